using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CloudMail.Tests.Shared;

/// <summary>
/// A real DNS server for tests: Debian's <c>dnsmasq</c> on 127.0.0.1 and a free port, answering only from the records a
/// test gives (no upstream, no /etc/hosts) and authoritatively for <c>.test</c>, so an unknown name there is NXDOMAIN.
/// Point CloudMail at it with <c>CloudMail:Dns:Servers:0=</c><see cref="Endpoint"/>. Stopped by PID on dispose. A missing
/// dnsmasq fails the test (build/test.sh installs <c>dnsmasq-base</c>).
/// </summary>
public sealed class DnsmasqProcess : IAsyncDisposable
{
    private const string DnsmasqPath = "/usr/sbin/dnsmasq";
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private DnsmasqProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The UDP/TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, the form <c>CloudMail:Dns:Servers</c> takes.</summary>
    public string Endpoint => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>An MX record: mail for <paramref name="domain"/> goes to <paramref name="host"/> at <paramref name="preference"/>.</summary>
    public static string Mx(string domain, string host, int preference = 10) =>
        string.Create(CultureInfo.InvariantCulture, $"--mx-host={domain},{host},{preference}");

    /// <summary>An A (or AAAA) record.</summary>
    public static string Host(string name, string address) => $"--host-record={name},{address}";

    /// <summary>
    /// A TXT record of one or more strings (each under 256 bytes, without commas: on dnsmasq's command line a comma
    /// separates strings and quotes would be kept as data).
    /// </summary>
    public static string Txt(string name, params string[] strings) => $"--txt-record={name}," + string.Join(',', strings);

    /// <summary>
    /// A TXT record whose text may hold commas (a DMARC rua= list), served as raw RDATA (<c>--dns-rr</c>, type 16): the text
    /// in character-strings of up to 255 bytes.
    /// </summary>
    public static string TxtWithCommas(string name, string text)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(text);
        string hex = string.Concat(bytes.Chunk(255).Select(c => Convert.ToHexString([(byte)c.Length, .. c])));
        return Rr(name, 16, hex);
    }

    /// <summary>A CNAME: <paramref name="alias"/> → <paramref name="target"/> (the target must have records here).</summary>
    public static string Cname(string alias, string target) => $"--cname={alias},{target}";

    /// <summary>An SRV record (RFC 2782): <paramref name="service"/> (<c>_imaps._tcp.domain</c>) at <paramref name="target"/>:<paramref name="port"/>.</summary>
    public static string Srv(string service, string target, int port, int priority = 0, int weight = 1) =>
        string.Create(CultureInfo.InvariantCulture, $"--srv-host={service},{target},{port},{priority},{weight}");

    /// <summary>Any record as raw RR data: <paramref name="type"/> is the numeric RR type, <paramref name="hexData"/> its RDATA in hex.</summary>
    public static string Rr(string name, int type, string hexData) => string.Create(CultureInfo.InvariantCulture, $"--dns-rr={name},{type},{hexData}");

    /// <summary>A null MX (RFC 7505): <c>MX 0 .</c>, as raw RR data (preference 0, root name).</summary>
    public static string NullMx(string domain) => Rr(domain, 15, "000000");

    /// <summary>Every query under <paramref name="domain"/> is forwarded to a dead port: the answer is a server failure.</summary>
    public static string Failing(string domain) => $"--server=/{domain}/127.0.0.1#9";

    /// <summary>
    /// Starts dnsmasq with <paramref name="records"/> (from the helpers above); returns when it answers on TCP. The port is
    /// chosen below the kernel's ephemeral range (so no client connection of a parallel test can hold it) and free for
    /// both TCP and UDP; if another process takes it between the check and dnsmasq's bind, another port is tried.
    /// </summary>
    public static async Task<DnsmasqProcess> StartAsync(params string[] records)
    {
        if (!File.Exists(DnsmasqPath)) throw new InvalidOperationException($"dnsmasq is not installed ({DnsmasqPath}); build/test.sh installs it");
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAsync(FreePort(), records);
            }
            catch (InvalidOperationException e) when (attempt < 8 && e.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                // Lost the port to another process between the check and the bind: try another one.
            }
        }
    }

    private static async Task<DnsmasqProcess> StartOnAsync(int port, string[] records)
    {
        var psi = new ProcessStartInfo(DnsmasqPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[]
                 {
                     "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces", "--listen-address=127.0.0.1",
                     "--port=" + port.ToString(CultureInfo.InvariantCulture), "--local=/test/", "--log-facility=-", "--user=root", "--pid-file=",
                 })
        {
            psi.ArgumentList.Add(a);
        }
        foreach (string r in records) psi.ArgumentList.Add(r);
        var process = Process.Start(psi)!;
        var dns = new DnsmasqProcess(process, port);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (dns._output) dns._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (dns._output) dns._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(); // drains the redirected output into Output
                int code = process.ExitCode;
                process.Dispose();
                throw new InvalidOperationException($"dnsmasq exited ({code}): {dns.Output}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return dns;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>What dnsmasq printed (its errors), for failure messages.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// A port in 20000–32767 (below Linux's ephemeral range 32768–60999) that is free on 127.0.0.1 for TCP and UDP now.
    /// </summary>
    internal static int FreePort()
    {
        while (true)
        {
            int port = Random.Shared.Next(20000, 32768);
            try
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // In use: draw again.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
