using System.Diagnostics;
using CloudMail.Storage.Azure;
using Microsoft.Extensions.Configuration;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>
/// The Azurite instance of this test run, shared by every test class (tests use unique names, so they can
/// share one store). With the environment variable <see cref="ConnectionStringVariable"/> set (build/test.sh
/// does), that connection string is used as it is. Otherwise Azurite is started through
/// <c>build/azurite.sh start --state .azurite/storage-azure-tests</c> (installing the pinned npm package into the
/// repo-local .azurite/ on first use) and stopped by PID when the test process exits. If Azurite cannot be
/// reached or started, every test that needs it fails; none is skipped.
/// </summary>
public static class Azurite
{
    public const string ConnectionStringVariable = "CLOUDMAIL_AZURITE";

    private static readonly Lazy<Task<CloudMailAzureClients>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? _startedState;

    /// <summary>Clients on Azurite, with the container and tables created.</summary>
    public static Task<CloudMailAzureClients> ClientsAsync() => Shared.Value;

    /// <summary>The Azurite connection string of this run (after <see cref="ClientsAsync"/>).</summary>
    public static string ConnectionString { get; private set; } = "";

    /// <summary>Configuration with <c>CloudMailStorage</c> set to Azurite, plus <paramref name="extra"/>.</summary>
    public static IConfiguration Configuration(params (string Key, string? Value)[] extra) =>
        new ConfigurationBuilder().AddInMemoryCollection(
            [new(AzureResourceNames.StorageConnection.Name, ConnectionString), .. extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))]).Build();

    private static async Task<CloudMailAzureClients> StartAsync()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        ConnectionString = string.IsNullOrWhiteSpace(fromEnvironment) ? await StartOwnAsync() : fromEnvironment.Trim();
        var clients = new CloudMailAzureClients(Configuration());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await AzureStorageInitializer.CreateResourcesAsync(clients, timeout.Token);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Azurite at {clients.StorageConnection.Description} does not answer.", e);
        }
        return clients;
    }

    private static async Task<string> StartOwnAsync()
    {
        string root = RepositoryRoot();
        string state = Path.Combine(root, ".azurite", "storage-azure-tests");
        (int exit, string stdout, string stderr) = await RunAsync(root, "start", state, TimeSpan.FromMinutes(5));
        string? connectionString = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exit != 0 || string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException($"build/azurite.sh start failed (exit {exit}); set {ConnectionStringVariable} to use a running Azurite.\n{stderr}");
        }
        _startedState = state;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(root);
        return connectionString;
    }

    private static void Stop(string root)
    {
        if (_startedState is null) return;
        RunAsync(root, "stop", _startedState, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string root, string command, string state, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "build", "azurite.sh"), command, "--state", state])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not run bash.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"build/azurite.sh {command} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudMail.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("CloudMail.sln not found above " + AppContext.BaseDirectory);
    }
}
