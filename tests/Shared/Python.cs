using System.Diagnostics;

namespace CloudMail.Tests.Shared;

/// <summary>
/// Shared by the test projects (linked, not referenced). Runs a Python 3 script (stdlib clients: smtplib, imaplib, poplib) and returns its stdout; throws with stderr on failure.
/// </summary>
public static class Python
{
    public static Task<string> RunAsync(string script, params string[] args) => RunWithAsync("python3", script, args);

    /// <summary>
    /// As <see cref="RunAsync"/> with Debian's own interpreter, /usr/bin/python3: the one that sees the modules of the
    /// python3-* packages build/test.sh installs (python3-dkim), which a python3 earlier on PATH (pyenv) may not.
    /// </summary>
    public static Task<string> RunDebianAsync(string script, params string[] args) => RunWithAsync("/usr/bin/python3", script, args);

    private static async Task<string> RunWithAsync(string interpreter, string script, string[] args)
    {
        string file = Path.Combine(Path.GetTempPath(), "cloudmail-" + Guid.NewGuid().ToString("N") + ".py");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var psi = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(file);
            foreach (string a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(cts.Token);
            if (p.ExitCode != 0) throw new InvalidOperationException($"python exited {p.ExitCode}:\n{await stderr}\n{await stdout}");
            return await stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
