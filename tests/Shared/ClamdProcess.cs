using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Tests.Shared;

/// <summary>
/// A real ClamAV daemon for tests (Debian's <c>clamav-daemon</c>): <c>/usr/sbin/clamd</c> in the foreground on 127.0.0.1
/// and a free port, with a signature database the test writes (no download): EICAR's test file by MD5 and
/// <see cref="CustomSignatureText"/> anywhere in any scanned content. Stopped by PID on dispose. A missing clamd fails
/// the test (build/test.sh installs clamav-daemon).
/// </summary>
public sealed class ClamdProcess : IAsyncDisposable
{
    private const string ClamdPath = "/usr/sbin/clamd";

    /// <summary>The EICAR anti-virus test file (68 octets), as every scanner recognises it.</summary>
    public const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    /// <summary>Text the custom signature <c>CloudMail-Test-Signature</c> matches wherever it appears.</summary>
    public const string CustomSignatureText = "CLOUDMAIL-TEST-VIRUS-7d1f0c";

    private readonly string _folder;
    private Process? _process;

    private ClamdProcess(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary><c>tcp://127.0.0.1:port</c>, the form <c>CloudMail:Antivirus:Clamd</c> takes.</summary>
    public string Endpoint => "tcp://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes the configuration and signatures and starts clamd; returns when it answers PING.</summary>
    public static async Task<ClamdProcess> StartAsync()
    {
        if (!File.Exists(ClamdPath)) throw new InvalidOperationException($"clamd is not installed ({ClamdPath}); build/test.sh installs clamav-daemon");
        string folder = Directory.CreateTempSubdirectory("cloudmail-clamd-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "test.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "test.ndb"),
            "CloudMail-Test-Signature:0:*:" + Convert.ToHexStringLower(Encoding.ASCII.GetBytes(CustomSignatureText)) + "\n");
        var clamd = new ClamdProcess(folder, DnsmasqProcess.FreePort());
        await clamd.StartAgainAsync();
        return clamd;
    }

    /// <summary>Starts clamd (again, after <see cref="StopAsync"/>) on the same port.</summary>
    public async Task StartAgainAsync()
    {
        string config = Path.Combine(_folder, "clamd.conf");
        await File.WriteAllTextAsync(config, string.Join('\n',
            "Foreground yes", "TCPAddr 127.0.0.1", "TCPSocket " + Port.ToString(CultureInfo.InvariantCulture),
            "DatabaseDirectory " + _folder, "LogFile " + Path.Combine(_folder, "clamd.log"), "LogTime yes",
            "StreamMaxLength 25M", "MaxThreads 4", "ScanMail yes", "Bytecode no", ""));
        var psi = new ProcessStartInfo(ClamdPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--config-file=" + config);
        _process = Process.Start(psi)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"clamd exited ({_process.ExitCode}): {Log}");
            if (await PingAsync()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("clamd did not answer PING: " + Log);
            await Task.Delay(100);
        }
    }

    /// <summary>What clamd logged, for failure messages.</summary>
    public string Log => File.Exists(Path.Combine(_folder, "clamd.log")) ? File.ReadAllText(Path.Combine(_folder, "clamd.log")) : "";

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("zPING\0"u8.ToArray());
            byte[] reply = new byte[16];
            int n = await stream.ReadAsync(reply);
            return Encoding.ASCII.GetString(reply, 0, n).StartsWith("PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Stops clamd (SIGKILL by PID), as a crash would.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
