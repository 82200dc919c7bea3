using System.Diagnostics;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// The Azurite (Azure Storage emulator) these tests run against, found the way tests/CloudMail.Storage.Azure.Tests
/// finds it: the connection string in <see cref="ConnectionStringVariable"/> when set (build/test.sh sets it), else an
/// instance of their own started with <c>build/azurite.sh start --state .azurite/listener-tests</c> and stopped by PID
/// when the test process exits. When Azurite can be neither found nor started, the tests fail; none is skipped.
/// </summary>
public static class AzuriteInstance
{
    public const string ConnectionStringVariable = "CLOUDMAIL_AZURITE";

    private static readonly Lazy<Task<string>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The connection string of a running Azurite.</summary>
    public static Task<string> ConnectionStringAsync() => Shared.Value;

    private static async Task<string> StartAsync()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment.Trim();
        string root = RepositoryRoot();
        string state = Path.Combine(root, ".azurite", "listener-tests");
        var (exit, stdout, stderr) = await RunAsync(root, "start", state, TimeSpan.FromMinutes(5));
        string? connectionString = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exit != 0 || string.IsNullOrEmpty(connectionString))
            throw new InvalidOperationException($"build/azurite.sh start failed (exit {exit}); set {ConnectionStringVariable} to use a running Azurite.\n{stderr}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAsync(root, "stop", state, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        return connectionString;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string root, string command, string state, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "build", "azurite.sh"), command, "--state", state])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run bash.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
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
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudMail.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("CloudMail.sln not found above " + AppContext.BaseDirectory);
    }
}
