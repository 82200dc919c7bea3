using System.Diagnostics;

namespace CloudMail.Tests.Shared;

/// <summary>
/// Shared by the test projects (linked, not referenced): the one way tests find Azurite. With the environment
/// variable <see cref="ConnectionStringVariable"/> set (build/test.sh sets it), that connection string is used as it
/// is. Otherwise an instance of this test project's own is started with <c>build/azurite.sh start --state
/// .azurite/STATE</c> (installing the pinned npm package into the repo-local .azurite/ on first use) and stopped by
/// PID when the test process exits. When Azurite can be neither found nor started, this throws: tests that need it
/// fail, none is skipped.
/// </summary>
public static class AzuriteProcess
{
    public const string ConnectionStringVariable = "CLOUDMAIL_AZURITE";

    /// <summary>The connection string of a running Azurite; <paramref name="state"/> names this project's own instance.</summary>
    public static async Task<string> ConnectionStringAsync(string state)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment.Trim();
        string root = RepositoryRoot();
        string stateFolder = Path.Combine(root, ".azurite", state);
        var (exit, stdout, stderr) = await RunAsync(root, "start", stateFolder, TimeSpan.FromMinutes(5));
        string? connectionString = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exit != 0 || string.IsNullOrEmpty(connectionString))
            throw new InvalidOperationException($"build/azurite.sh start failed (exit {exit}); set {ConnectionStringVariable} to use a running Azurite.\n{stderr}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAsync(root, "stop", stateFolder, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
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
