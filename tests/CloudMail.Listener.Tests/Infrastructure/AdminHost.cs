using CloudMail.Listener.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// The host <c>cloudmail ADMIN-COMMAND</c> builds (<see cref="CloudMailServerBuilder.BuildAdmin"/>) on a fresh data
/// folder, with no server running: nothing consumes the queues, so jobs stay where a test puts them.
/// </summary>
public sealed class AdminHost : IAsyncDisposable
{
    private readonly IHost _host;

    public AdminHost()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "cloudmail-admin-" + Guid.NewGuid().ToString("N"));
        _host = CloudMailServerBuilder.BuildAdmin([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CloudMail:DataDirectory"] = DataDirectory,
        }));
    }

    public string DataDirectory { get; }

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>Runs one admin command as <c>cloudmail</c> would; returns its exit code and output.</summary>
    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] words)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await new AdminCommands(_host.Services, new StringReader(""), stdout, stderr).RunAsync(words, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public ValueTask DisposeAsync()
    {
        _host.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
        return ValueTask.CompletedTask;
    }
}
