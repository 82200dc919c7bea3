using System.Diagnostics;
using System.Text;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>What a finished command-line client left behind.</summary>
public sealed record ToolResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public override string ToString() => $"{Command} exited {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// A Debian command-line mail client run as a child process with a bounded lifetime: every run has a timeout,
/// after which the client and everything it started are killed. A client that is not installed fails the test
/// (build/test.sh installs them) rather than skipping it.
/// </summary>
public sealed class DebianTool : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DebianTool(string command, Process process)
    {
        Command = command;
        _process = process;
    }

    public string Command { get; }

    /// <summary>Everything printed so far on stdout and stderr.</summary>
    public string Output
    {
        get { lock (_stdout) return _stdout.ToString() + _stderr; }
    }

    /// <summary>Fails (never skips) when <paramref name="command"/> is not on PATH; returns its full path.</summary>
    public static string Require(string command, string debianPackage)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, command);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            $"The Debian client '{command}' is not installed (package {debianPackage}); build/test.sh installs it: " +
            $"apt-get install --no-install-recommends {debianPackage}");
    }

    /// <summary>Starts a client; <paramref name="home"/> becomes its HOME so no user configuration leaks in.</summary>
    public static DebianTool Start(string command, string debianPackage, IEnumerable<string> args, string home, string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(Require(command, debianPackage))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = home;
        psi.Environment["LC_ALL"] = "C.UTF-8";
        psi.Environment["TERM"] = "xterm";
        if (environment is not null)
            foreach (var (name, value) in environment) psi.Environment[name] = value;

        var tool = new DebianTool(command, Process.Start(psi)!);
        tool._process.OutputDataReceived += (_, e) => tool.Append(tool._stdout, e.Data, tool._stdoutClosed);
        tool._process.ErrorDataReceived += (_, e) => tool.Append(tool._stderr, e.Data, tool._stderrClosed);
        tool._process.BeginOutputReadLine();
        tool._process.BeginErrorReadLine();
        if (stdin is not null) tool._process.StandardInput.Write(stdin);
        tool._process.StandardInput.Close();
        return tool;
    }

    /// <summary>Runs a client to completion within <paramref name="timeout"/> (default 30 s); kills it when it overruns.</summary>
    public static async Task<ToolResult> RunAsync(string command, string debianPackage, IEnumerable<string> args, string home,
        string? stdin = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        await using var tool = Start(command, debianPackage, args, home, stdin, environment);
        return await tool.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits for the client to exit; on timeout kills its process tree and throws with what it printed.</summary>
    public async Task<ToolResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Command} did not finish within {timeout.TotalSeconds} s and was killed; it printed:\n{Output}");
        }
        lock (_stdout) return new ToolResult(Command, _process.ExitCode, _stdout.ToString(), _stderr.ToString());
    }

    /// <summary>Waits until the client has printed something that <paramref name="seen"/> accepts; kills it on timeout.</summary>
    public async Task WaitForOutputAsync(Func<string, bool> seen, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!seen(Output))
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Command} exited {_process.ExitCode} before {what}:\n{Output}");
            if (DateTime.UtcNow > deadline)
            {
                Kill();
                throw new TimeoutException($"{Command} did not reach '{what}' within {timeout.TotalSeconds} s and was killed:\n{Output}");
            }
            await Task.Delay(50);
        }
    }

    private void Append(StringBuilder buffer, string? line, TaskCompletionSource closed)
    {
        if (line is null) { closed.TrySetResult(); return; }
        lock (_stdout) buffer.AppendLine(line);
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        _process.Dispose();
    }
}
