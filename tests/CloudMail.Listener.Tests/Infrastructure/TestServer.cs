using Microsoft.Extensions.DependencyInjection.Extensions;
using CloudMail.Core.Directory;
using CloudMail.Listener.Hosting;
using CloudMail.Listener.Network;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// The real embedded server (all endpoints, real storage in a temp folder, in-process pipeline) started
/// in-process on 127.0.0.1 with every port 0. Dispose stops it and deletes the folder.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string Domain = "example.test";
    public const string HostName = "mail.example.test";

    private readonly IHost _host;

    private TestServer(IHost host, string dataDirectory)
    {
        _host = host;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts a server. <paramref name="settings"/> override defaults (keys like "CloudMail:Smtp:MaxMessageSize");
    /// <paramref name="services"/> replaces registrations (e.g. a recording <c>IOutboundTransport</c>: by default the
    /// server has none, so remote recipients are refused).
    /// </summary>
    public static async Task<TestServer> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null,
        Action<IServiceCollection>? services = null)
    {
        bool ownFolder = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "cloudmail-test-" + Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?>
        {
            ["CloudMail:DataDirectory"] = dataDirectory,
            ["CloudMail:HostName"] = HostName,
            ["CloudMail:ListenAddress"] = "127.0.0.1",
            ["CloudMail:Ports:Smtp"] = "0",
            ["CloudMail:Ports:Submission"] = "0",
            ["CloudMail:Ports:Submissions"] = "0",
            ["CloudMail:Ports:Imap"] = "0",
            ["CloudMail:Ports:Imaps"] = "0",
            ["CloudMail:Ports:Pop3"] = "0",
            ["CloudMail:Ports:Pop3s"] = "0",
            ["CloudMail:Ports:Http"] = "0",
            // The growing delay after failed logins stays short: 10, 20, 40, 50, 50, ... ms.
            ["CloudMail:Auth:FailureDelay"] = "00:00:00.010",
            ["CloudMail:Auth:MaxFailureDelay"] = "00:00:00.050",
            ["CloudMail:Auth:PasswordHashIterations"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (settings is not null)
            foreach (var (k, v) in settings) config[k] = v;
        // No SMTP transport unless the test registers one: a test server never reaches for real DNS or remote servers,
        // and without a transport it behaves as a deployment without remote delivery (remote recipients refused).
        var host = CloudMailServerBuilder.BuildServe([], c => c.AddInMemoryCollection(config), s =>
        {
            s.RemoveAll<CloudMail.Core.Delivery.IOutboundTransport>();
            services?.Invoke(s);
        });
        try
        {
            await host.StartAsync();
        }
        catch
        {
            // A server that could not start (e.g. its port is taken) leaves no running services behind, nor a folder it made.
            try
            {
                await host.StopAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // The start failure rethrown below is what the test must see, not a failure to stop what never fully started.
            }
            host.Dispose();
            if (ownFolder) try { System.IO.Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        return new TestServer(host, dataDirectory);
    }

    /// <summary>The bound port of an endpoint.</summary>
    public int Port(EndpointKind kind) => Services.GetRequiredService<EndpointListenerService>().BoundPorts[kind];

    /// <summary>Adds the local domain (idempotent) and a user with default mailboxes.</summary>
    public async Task AddUserAsync(string address, string password)
    {
        var directory = Services.GetRequiredService<IMailDirectory>();
        await directory.AddDomainAsync(address[(address.LastIndexOf('@') + 1)..], CancellationToken.None);
        await Services.GetRequiredService<AccountAdministration>().AddUserAsync(address, password, CancellationToken.None);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
            try { System.IO.Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
