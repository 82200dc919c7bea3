using System.Diagnostics;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>Runs real client programs (python3 with smtplib, swaks) as processes against the test server.</summary>
internal static class ExternalClient
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    /// <summary>Runs a python script (written to a temp file) with arguments.</summary>
    public static async Task<Result> PythonAsync(string script, params string[] args)
    {
        string file = Path.Combine(Path.GetTempPath(), "cloudmail-smtp-" + Guid.NewGuid().ToString("N") + ".py");
        await File.WriteAllTextAsync(file, script);
        try
        {
            return await RunAsync("python3", [file, .. args]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static Task<Result> SwaksAsync(params string[] args) => RunAsync("/usr/bin/swaks", args);

    public static async Task<Result> RunAsync(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + program);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in 60 s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
