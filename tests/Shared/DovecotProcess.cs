using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CloudMail.Tests.Shared;

/// <summary>
/// A real Dovecot IMAP server for tests (Debian's <c>dovecot-imapd</c>), the reference peer the IMAP answers are compared
/// with: <c>dovecot -F</c> with a configuration of its own in a temporary folder (its own base and state folders, so it
/// shares nothing with a system Dovecot), plain IMAP on 127.0.0.1 and a free port (loopback only, plaintext
/// LOGIN allowed there), users from a passwd file the test writes, maildir with "/" as the hierarchy separator (as
/// CloudMail), mail stored as <c>nobody</c>. Stopped by PID on dispose. A missing Dovecot fails the test (build/test.sh
/// installs dovecot-imapd).
/// </summary>
public sealed class DovecotProcess : IAsyncDisposable
{
    private const string DovecotPath = "/usr/sbin/dovecot";
    private readonly string _folder;
    private readonly Process _process;

    private DovecotProcess(string folder, Process process, string address, int port)
    {
        _folder = folder;
        _process = process;
        Address = address;
        Port = port;
    }

    public string Address { get; }

    public int Port { get; }

    /// <summary>What Dovecot logged, for failure messages.</summary>
    public string Log => File.Exists(Path.Combine(_folder, "dovecot.log")) ? File.ReadAllText(Path.Combine(_folder, "dovecot.log")) : "";

    /// <summary>Writes the configuration and the users (address, password) and starts Dovecot; returns when it accepts connections.</summary>
    public static async Task<DovecotProcess> StartAsync(IEnumerable<(string User, string Password)> users)
    {
        const string address = "127.0.0.1";
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Dovecot runs on Linux");
        if (!File.Exists(DovecotPath)) throw new InvalidOperationException($"Dovecot is not installed ({DovecotPath}); build/test.sh installs dovecot-imapd");
        string folder = Directory.CreateTempSubdirectory("cloudmail-dovecot-").FullName;
        // Dovecot's mail processes run as nobody: the folders on the way to the homes must let them through and write.
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string home = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName;
        File.SetUnixFileMode(home, (UnixFileMode)0x1FF); // 0777
        Directory.CreateDirectory(Path.Combine(folder, "run"));
        Directory.CreateDirectory(Path.Combine(folder, "state"));
        await File.WriteAllLinesAsync(Path.Combine(folder, "users"), users.Select(u => $"{u.User}:{{PLAIN}}{u.Password}"));
        int port = DnsmasqProcess.FreePort(); // free on 127.0.0.1, below the ephemeral range
        string config = Path.Combine(folder, "dovecot.conf");
        await File.WriteAllTextAsync(config, $$"""
            protocols = imap
            listen = {{address}}
            base_dir = {{folder}}/run
            state_dir = {{folder}}/state
            log_path = {{folder}}/dovecot.log
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            passdb {
              driver = passwd-file
              args = {{folder}}/users
            }
            userdb {
              driver = static
              args = uid=65534 gid=65534 home={{home}}/%n
            }
            mail_location = maildir:~/Maildir:LAYOUT=fs
            namespace inbox {
              inbox = yes
              separator = /
            }
            service imap-login {
              inet_listener imap {
                address = {{address}}
                port = {{port.ToString(CultureInfo.InvariantCulture)}}
              }
              inet_listener imaps {
                port = 0
              }
            }

            """);
        var psi = new ProcessStartInfo(DovecotPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-F");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(config);
        var process = Process.Start(psi)!;
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var dovecot = new DovecotProcess(folder, process, address, port);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                string errors;
                lock (stderr) errors = stderr.ToString();
                await dovecot.DisposeAsync();
                throw new InvalidOperationException($"dovecot exited ({process.ExitCode}): {errors}");
            }
            if (await AcceptsAsync(address, port)) return dovecot;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Dovecot did not accept connections: " + dovecot.Log);
            await Task.Delay(100);
        }
    }

    private static async Task<bool> AcceptsAsync(string address, int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Parse(address), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM by PID: the master stops its login and mail processes before it exits.
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
