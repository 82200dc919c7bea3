using CloudMail.Core.Directory;
using CloudMail.Core.Queue;
using CloudMail.Listener.Azure;
using CloudMail.Listener.Hosting;
using CloudMail.Listener.Network;
using CloudMail.Storage.Azure.Queue;
using CloudMail.Storage.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// <c>cloudmail listener</c> started in-process exactly as <see cref="AzureListenerHost.BuildListener"/> builds it:
/// Blob and Table storage on Azurite, the real Service Bus queue adapter over a <see cref="CapturingServiceBusClient"/>,
/// SMTP on 127.0.0.1 port 0 (the other mail endpoints off), the health endpoint on port 0. Each server gets a domain
/// of its own, so servers can share one Azurite.
/// </summary>
public sealed class AzureListenerServer : IAsyncDisposable
{
    private readonly IHost _host;

    private AzureListenerServer(IHost host, string dataDirectory, string domain, string connectionString)
    {
        _host = host;
        DataDirectory = dataDirectory;
        Domain = domain;
        StorageConnectionString = connectionString;
    }

    public CapturingServiceBusClient ServiceBus { get; } = new();

    public string DataDirectory { get; }

    public string Domain { get; }

    public string StorageConnectionString { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<AzureListenerServer> StartAsync(string? storageConnectionString = null, IDictionary<string, string?>? settings = null)
    {
        string connectionString = storageConnectionString ?? await AzuriteInstance.ConnectionStringAsync();
        string dataDirectory = Path.Combine(Path.GetTempPath(), "cloudmail-listener-" + Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?>
        {
            [AzureResourceNames.StorageConnection.Name] = connectionString,
            ["CloudMail:Azure:CreateResourcesIfMissing"] = storageConnectionString is null ? "true" : "false",
            ["CloudMail:DataDirectory"] = dataDirectory,
            ["CloudMail:HostName"] = "mx.listener.test",
            ["CloudMail:ListenAddress"] = "127.0.0.1",
            ["CloudMail:Ports:Smtp"] = "0",
            ["CloudMail:Ports:Submission"] = "-1",
            ["CloudMail:Ports:Submissions"] = "-1",
            ["CloudMail:Ports:Imap"] = "-1",
            ["CloudMail:Ports:Imaps"] = "-1",
            ["CloudMail:Ports:Pop3"] = "-1",
            ["CloudMail:Ports:Pop3s"] = "-1",
            ["CloudMail:Ports:Health"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            // Off unless a test turns it on: the tables are shared with every test project of the run, and a prune of
            // old spam-training signals would reach into the contract tests' rows.
            ["CloudMail:Retention:SpamTraining"] = "0",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        CapturingServiceBusClient? bus = null;
        var host = AzureListenerHost.BuildListener([], c => c.AddInMemoryCollection(config), services =>
            services.AddSingleton<IMailQueue>(sp => new ServiceBusMailQueue(bus!, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ServiceBusMailQueue>>())));
        var server = new AzureListenerServer(host, dataDirectory, "t" + Guid.NewGuid().ToString("N")[..10] + ".test", connectionString);
        bus = server.ServiceBus;
        await host.StartAsync();
        return server;
    }

    public int SmtpPort => Services.GetRequiredService<EndpointListenerService>().BoundPorts[EndpointKind.Smtp];

    public int HealthPort => Services.GetRequiredService<HealthEndpointService>().BoundPort!.Value;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>This server's domain (idempotent) and a new account in it with its default mailboxes, in Table storage.</summary>
    public async Task<string> NewUserAsync()
    {
        await Get<IMailDirectory>().AddDomainAsync(Domain, CancellationToken.None);
        string address = "u" + Guid.NewGuid().ToString("N")[..10] + "@" + Domain;
        await Get<AccountAdministration>().AddUserAsync(address, "correct horse battery", CancellationToken.None);
        return address;
    }

    public Task StopAsync() => _host.StopAsync(TimeSpan.FromSeconds(15));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            _host.Dispose();
            try { System.IO.Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
