using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace CloudMail.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real <c>cloudmail</c> executable run as a child process (<c>dotnet cloudmail.dll ...</c>) on
/// 127.0.0.1 with every port 0, in its own data folder. Restartable on the same folder, stoppable with
/// SIGTERM or SIGKILL, so tests can prove durability across process death.
/// </summary>
public sealed class CloudMailProcess : IAsyncDisposable
{
    private Process? _process;
    private readonly StringBuilder _output = new();

    private readonly string? _listenAddress;
    private readonly int _smtpPort;
    private readonly string _hostName;
    private readonly string[] _extraSettings;

    /// <summary>
    /// A server in <paramref name="dataDirectory"/> (a new temp folder when null) listening on
    /// <paramref name="listenAddress"/> (null: not set, the default of <c>serve</c>) with every port ephemeral except SMTP's, which is <paramref name="smtpPort"/>
    /// (0 = ephemeral; 25 when the server must be another server's MX), named <paramref name="hostName"/>, with
    /// <paramref name="extraSettings"/> (<c>--Section:Key=value</c>) added to every run.
    /// </summary>
    public CloudMailProcess(string? dataDirectory = null, string? listenAddress = "127.0.0.1", int smtpPort = 0,
        string hostName = "mail.example.test", params string[] extraSettings)
    {
        _listenAddress = listenAddress;
        _smtpPort = smtpPort;
        _hostName = hostName;
        _extraSettings = extraSettings;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "cloudmail-e2e-" + Guid.NewGuid().ToString("N"));
        // Owner-only whatever the umask: cloudmail refuses a data folder that others may write to.
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(DataDirectory);
        else System.IO.Directory.CreateDirectory(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string DataDirectory { get; }

    /// <summary>When set, every run gets this open-file limit (soft and hard, through util-linux's <c>prlimit</c>).</summary>
    public int? OpenFileLimit { get; init; }

    /// <summary>The address every endpoint listens on; 127.0.0.1 (one of them) when the server was left its default.</summary>
    public string ListenAddress => _listenAddress ?? "127.0.0.1";

    /// <summary>Ports by endpoint name ("smtp", "submission", "submissions", "imap", "imaps", "pop3", "pop3s").</summary>
    public IReadOnlyDictionary<string, int> Ports { get; private set; } = new Dictionary<string, int>();

    public int Smtp => Ports["smtp"];
    public int Submission => Ports["submission"];
    public int Submissions => Ports["submissions"];
    public int Imap => Ports["imap"];
    public int Imaps => Ports["imaps"];
    public int Pop3 => Ports["pop3"];
    public int Pop3s => Ports["pop3s"];

    /// <summary>Everything the server printed (for failure messages).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    private string[] CommonSettings =>
    [
        $"--CloudMail:DataDirectory={DataDirectory}",
        $"--CloudMail:HostName={_hostName}",
        .. (_listenAddress is null ? Array.Empty<string>() : [$"--CloudMail:ListenAddress={_listenAddress}"]),
        $"--CloudMail:Ports:Smtp={_smtpPort}", "--CloudMail:Ports:Submission=0", "--CloudMail:Ports:Submissions=0",
        "--CloudMail:Ports:Imap=0", "--CloudMail:Ports:Imaps=0", "--CloudMail:Ports:Pop3=0", "--CloudMail:Ports:Pop3s=0",
        "--CloudMail:Ports:Http=0",
        "--CloudMail:Auth:FailureDelay=00:00:00.010", "--CloudMail:Auth:MaxFailureDelay=00:00:00.050",
        "--CloudMail:Auth:PasswordHashIterations=1000",
        // Long enough that no renewal (every third of it) can come too late on the suite's loaded two cores: a restart takes
        // back the leases of the process it replaces at once, so no test waits for one to run out.
        "--CloudMail:Pipeline:LeaseDuration=00:01:00",
        .. _extraSettings,
    ];

    /// <summary>Starts <c>serve</c> and waits until it has written listening.json.</summary>
    public async Task StartAsync()
    {
        string marker = Path.Combine(DataDirectory, "listening.json");
        File.Delete(marker);
        _process = Start(["serve", .. CommonSettings], stdin: null);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(marker))
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(); // also waits for the end of its redirected output, so Output is complete
                throw new InvalidOperationException("cloudmail serve exited early:\n" + Output);
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("cloudmail serve did not start:\n" + Output);
            await Task.Delay(50);
        }
        Ports = JsonSerializer.Deserialize<Dictionary<string, int>>(await File.ReadAllTextAsync(marker))!;
    }

    /// <summary>Adds the domain of <paramref name="address"/> and that user with the admin commands, then starts <c>serve</c>.</summary>
    public async Task StartWithUserAsync(string address, string password)
    {
        await AdminAsync(null, "domain", "add", address[(address.IndexOf('@') + 1)..]);
        await AdminAsync(password + "\n", "user", "add", address);
        await StartAsync();
    }

    /// <summary>Runs an admin command to completion; returns (exit code, stdout+stderr).</summary>
    public async Task<(int ExitCode, string Output)> AdminAsync(string? stdin, params string[] words)
    {
        using var p = Start([.. words, .. CommonSettings], stdin, capture: false);
        string stdout = await p.StandardOutput.ReadToEndAsync();
        string stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, stdout + stderr);
    }

    /// <summary>SIGTERM: graceful shutdown; waits for exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _ = SysKill(_process.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>SIGHUP, as <c>systemctl reload</c> or a closed terminal sends it; does not wait.</summary>
    public void Hangup()
    {
        if (_process is { HasExited: false }) _ = SysKill(_process.Id, 1);
    }

    /// <summary>Whether the server process is still running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>SIGKILL: the process dies at once, mid-whatever it was doing.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public int ExitCode => _process?.ExitCode ?? -1;

    private Process Start(string[] args, string? stdin, bool capture = true)
    {
        var psi = new ProcessStartInfo(OpenFileLimit is null ? "dotnet" : "prlimit")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (OpenFileLimit is { } limit)
        {
            psi.ArgumentList.Add($"--nofile={limit}:{limit}");
            psi.ArgumentList.Add("dotnet");
        }
        psi.ArgumentList.Add(ExecutablePath);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var p = Process.Start(psi)!;
        if (capture)
        {
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
        }
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        return p;
    }

    /// <summary>cloudmail.dll next to the test assembly (copied by the project reference).</summary>
    private static string ExecutablePath
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "cloudmail.dll");
            if (!File.Exists(path)) throw new FileNotFoundException("cloudmail.dll not found next to the tests", path);
            return path;
        }
    }

#pragma warning disable SYSLIB1054 // DllImport is enough for one blittable libc call
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);
#pragma warning restore SYSLIB1054

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try { System.IO.Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
