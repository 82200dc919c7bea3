using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Tests.Shared;

/// <summary>A zone <see cref="UnboundProcess"/> serves: <paramref name="Records"/> in zone-file syntax (SOA and NS are added).</summary>
/// <param name="Name">The zone's name, e.g. <c>sec.test</c>.</param>
/// <param name="Signed">Signed with a fresh ECDSA P-256 key (ldns-signzone) whose DS is unbound's trust anchor: answers get the AD bit.</param>
/// <param name="AfterSigning">Edits the signed zone text, e.g. to make a record bogus; null: none.</param>
public sealed record UnboundZone(string Name, string Records, bool Signed, Func<string, string>? AfterSigning = null);

/// <summary>
/// A real validating DNS resolver for tests: Debian's <c>unbound</c> on 127.0.0.1 and a free port (as
/// <see cref="DnsmasqProcess"/> chooses it), serving the given zones itself (<c>auth-zone</c> for upstream) and validating
/// them (<c>module-config: "validator iterator"</c>) against the DS of each signed zone, so a signed zone's answers carry
/// the AD bit, an unsigned zone's do not, and a record altered after signing is a SERVFAIL. Config and keys in a temp
/// folder; stopped by PID on dispose. A missing unbound or ldnsutils fails the test (build/test.sh installs both).
/// </summary>
public sealed class UnboundProcess : IAsyncDisposable
{
    private const string UnboundPath = "/usr/sbin/unbound";
    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _output = new();

    private UnboundProcess(Process process, int port, string folder)
    {
        _process = process;
        Port = port;
        _folder = folder;
    }

    /// <summary>The UDP/TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, the form <c>CloudMail:Dns:Servers</c> takes.</summary>
    public string Endpoint => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>What unbound printed, for failure messages.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Signs and writes <paramref name="zones"/>, starts unbound; returns when it answers on TCP.</summary>
    public static async Task<UnboundProcess> StartAsync(params UnboundZone[] zones)
    {
        if (!File.Exists(UnboundPath)) throw new InvalidOperationException($"unbound is not installed ({UnboundPath}); build/test.sh installs it");
        string folder = Directory.CreateTempSubdirectory("cloudmail-unbound-").FullName;
        var config = new StringBuilder();
        var authZones = new StringBuilder();
        foreach (var zone in zones)
        {
            string file = Path.Combine(folder, zone.Name + ".zone");
            await File.WriteAllTextAsync(file, ZoneText(zone));
            if (zone.Signed)
            {
                string key = (await RunAsync(folder, "ldns-keygen", "-a", "ECDSAP256SHA256", "-k", zone.Name)).Trim();
                await RunAsync(folder, "ldns-signzone", file, key);
                string signed = await File.ReadAllTextAsync(file + ".signed");
                await File.WriteAllTextAsync(file, zone.AfterSigning is null ? signed : zone.AfterSigning(signed));
                config.AppendLine(CultureInfo.InvariantCulture, $"  trust-anchor-file: \"{Path.Combine(folder, key + ".ds")}\"");
            }
            authZones.AppendLine("auth-zone:").AppendLine(CultureInfo.InvariantCulture, $"  name: \"{zone.Name}.\"")
                .AppendLine(CultureInfo.InvariantCulture, $"  zonefile: \"{file}\"")
                .AppendLine("  for-upstream: yes").AppendLine("  for-downstream: no").AppendLine("  fallback-enabled: no");
        }
        for (int attempt = 1; ; attempt++)
        {
            int port = DnsmasqProcess.FreePort();
            string conf = Path.Combine(folder, "unbound.conf");
            await File.WriteAllTextAsync(conf, $"""
                server:
                  interface: 127.0.0.1
                  port: {port.ToString(CultureInfo.InvariantCulture)}
                  do-daemonize: no
                  chroot: ""
                  username: ""
                  directory: "{folder}"
                  pidfile: ""
                  use-syslog: no
                  logfile: ""
                  verbosity: 1
                  do-ip6: no
                  access-control: 127.0.0.0/8 allow
                  module-config: "validator iterator"
                  local-zone: "test." nodefault
                  cache-max-ttl: 0
                  cache-max-negative-ttl: 0
                {config}
                remote-control:
                  control-enable: no
                {authZones}
                """);
            var unbound = await StartOnAsync(port, conf, folder);
            if (unbound is not null) return unbound;
            if (attempt >= 8) throw new InvalidOperationException("unbound could not bind a port");
        }
    }

    private static string ZoneText(UnboundZone zone) => $"""
        $ORIGIN {zone.Name}.
        $TTL 60
        @ IN SOA ns.{zone.Name}. hostmaster.{zone.Name}. 1 3600 600 86400 60
        @ IN NS ns.{zone.Name}.
        ns IN A 127.0.0.1
        {zone.Records}

        """;

    /// <summary>Null when the port was taken between the check and unbound's bind.</summary>
    private static async Task<UnboundProcess?> StartOnAsync(int port, string conf, string folder)
    {
        var psi = new ProcessStartInfo(UnboundPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-d");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(conf);
        var process = Process.Start(psi)!;
        var unbound = new UnboundProcess(process, port, folder);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (unbound._output) unbound._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (unbound._output) unbound._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                int code = process.ExitCode;
                process.Dispose();
                if (unbound.Output.Contains("Address already in use", StringComparison.Ordinal)) return null;
                throw new InvalidOperationException($"unbound exited ({code}): {unbound.Output}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return unbound;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static async Task<string> RunAsync(string folder, string tool, params string[] arguments)
    {
        var psi = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} could not start; build/test.sh installs ldnsutils");
        string output = await process.StandardOutput.ReadToEndAsync();
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {errors}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
