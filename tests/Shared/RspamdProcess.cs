using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CloudMail.Tests.Shared;

/// <summary>
/// A real rspamd for tests (Debian's <c>rspamd</c>): <c>/usr/bin/rspamd -f</c> with Debian's rule set and a configuration
/// folder of its own: normal worker and controller on 127.0.0.1 and free ports, Bayes statistics in SQLite files (no redis),
/// DNS pointed at a closed loopback port (no network: DNS-based rules fail fast), the controller's password
/// <see cref="Password"/> required from every address, and two test rules: <see cref="SpamMarker"/> in the subject scores
/// 7 (rspamd's action <c>add header</c> from 6) and <see cref="RejectMarker"/> scores 30 (<c>reject</c>). The compiled regular
/// expressions run without Hyperscan (its first compile costs minutes of CPU on a busy machine and the tests need none of
/// its speed). Stopped by PID on dispose. A missing rspamd fails the test (build/test.sh installs it).
/// </summary>
public sealed class RspamdProcess : IAsyncDisposable
{
    private const string RspamdPath = "/usr/bin/rspamd";

    /// <summary>The controller password the configuration requires (its <c>rspamadm pw</c> hash is in the configuration).</summary>
    public const string Password = "rspamd-test-secret";

    private const string PasswordHash = "$2$xju8z1cgu9f16686c658rfezmtpwb3sg$n1a4j1kizqi3y6fba3t4wcyp4xtst83rd3ai9ahrze3iegc43pwy";

    /// <summary>A subject containing this gets the rule <c>CLOUDMAIL_TEST_SPAM</c> (score 7).</summary>
    public const string SpamMarker = "CLOUDMAIL-RSPAMD-SPAM";

    /// <summary>A subject containing this gets the rule <c>CLOUDMAIL_TEST_REJECT</c> (score 30).</summary>
    public const string RejectMarker = "CLOUDMAIL-RSPAMD-REJECT";

    private readonly string _folder;
    private Process? _process;

    private RspamdProcess(string folder, int normalPort, int controllerPort)
    {
        _folder = folder;
        NormalPort = normalPort;
        ControllerPort = controllerPort;
    }

    public int NormalPort { get; }

    public int ControllerPort { get; }

    /// <summary>The normal worker's base URL (<c>CloudMail:Spam:Rspamd:Url</c>).</summary>
    public string Url => "http://127.0.0.1:" + NormalPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The controller's base URL (<c>CloudMail:Spam:Rspamd:ControllerUrl</c>).</summary>
    public string ControllerUrl => "http://127.0.0.1:" + ControllerPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the configuration and starts rspamd; returns when both workers answer <c>/ping</c> and the controller has
    /// loaded its Bayes statfiles. An rspamd that is not ready within <see cref="ReadyWithin"/> is killed and started
    /// again on fresh ports and a fresh folder (what it logged goes to standard error), at most <see cref="Attempts"/>
    /// times: a CI run once saw one never answer for ten minutes while its log showed nothing wrong.
    /// </summary>
    public static async Task<RspamdProcess> StartAsync()
    {
        if (!File.Exists(RspamdPath)) throw new InvalidOperationException($"rspamd is not installed ({RspamdPath}); build/test.sh installs it");
        for (int attempt = 1; ; attempt++)
        {
            string folder = Directory.CreateTempSubdirectory("cloudmail-rspamd-").FullName;
            int normal = DnsmasqProcess.FreePort(), controller;
            do controller = DnsmasqProcess.FreePort(); while (controller == normal);
            var rspamd = new RspamdProcess(folder, normal, controller);
            try
            {
                await rspamd.WriteConfigurationAsync();
                await rspamd.StartProcessAsync();
                return rspamd;
            }
            catch (TimeoutException e) when (attempt < Attempts)
            {
                await Console.Error.WriteLineAsync($"rspamd attempt {attempt} of {Attempts} not ready, starting another: {e.Message}");
                await rspamd.DisposeAsync();
            }
            catch
            {
                await rspamd.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>How long one rspamd may take to be ready before it is replaced (a cold start here takes about 10 s).</summary>
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromMinutes(2);

    private const int Attempts = 4;

    private async Task WriteConfigurationAsync()
    {
        foreach (string sub in new[] { "override.d", "db", "run", "log" }) Directory.CreateDirectory(Path.Combine(_folder, sub));
        await File.WriteAllTextAsync(Path.Combine(_folder, "rspamd.conf"), $$"""
            .include "$CONFDIR/common.conf"
            options {
                pidfile = "$RUNDIR/rspamd.pid";
                .include "$CONFDIR/options.inc"
                .include(priority=10) "$LOCAL_CONFDIR/override.d/options.inc"
            }
            logging {
                type = "file";
                filename = "$LOGDIR/rspamd.log";
                level = "notice";
            }
            worker "normal" {
                bind_socket = "127.0.0.1:{{NormalPort}}";
                .include "$CONFDIR/worker-normal.inc"
            }
            worker "controller" {
                bind_socket = "127.0.0.1:{{ControllerPort}}";
                .include "$CONFDIR/worker-controller.inc"
                .include(priority=10) "$LOCAL_CONFDIR/override.d/worker-controller.inc"
            }
            classifier "bayes" {
                tokenizer { name = "osb"; }
                cache { }
                min_tokens = 11;
                backend = "sqlite3";
                min_learns = 1;
                statfile { symbol = "BAYES_HAM"; spam = false; path = "$DBDIR/bayes.ham.sqlite"; }
                statfile { symbol = "BAYES_SPAM"; spam = true; path = "$DBDIR/bayes.spam.sqlite"; }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(_folder, "override.d", "options.inc"), $$"""
            dns { nameserver = ["127.0.0.1:9"]; timeout = 0.2s; retransmits = 1; }
            disable_hyperscan = true;
            """);
        await File.WriteAllTextAsync(Path.Combine(_folder, "override.d", "worker-controller.inc"), $$"""
            password = "{{PasswordHash}}";
            enable_password = "{{PasswordHash}}";
            secure_ip = "192.0.2.1";
            """);
        await File.WriteAllTextAsync(Path.Combine(_folder, "rspamd.local.lua"), $$"""
            local function subject_has(marker)
              return function(task)
                local subject = task:get_subject()
                return subject ~= nil and string.find(subject, marker, 1, true) ~= nil
              end
            end
            rspamd_config.CLOUDMAIL_TEST_SPAM = { callback = subject_has('{{SpamMarker}}'), score = 7.0, description = 'CloudMail test: spam marker' }
            rspamd_config.CLOUDMAIL_TEST_REJECT = { callback = subject_has('{{RejectMarker}}'), score = 30.0, description = 'CloudMail test: reject marker' }
            """);
    }

    private async Task StartProcessAsync()
    {
        var psi = new ProcessStartInfo(RspamdPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-f");
        if (Environment.UserName == "root")
        {
            foreach (string a in new[] { "-u", "root", "-g", "root" }) psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Path.Combine(_folder, "rspamd.conf"));
        foreach (var (name, path) in new[] { ("CONFDIR", "/etc/rspamd"), ("LOCAL_CONFDIR", _folder), ("DBDIR", Path.Combine(_folder, "db")),
                     ("RUNDIR", Path.Combine(_folder, "run")), ("LOGDIR", Path.Combine(_folder, "log")) })
        {
            psi.ArgumentList.Add("--var");
            psi.ArgumentList.Add($"{name}={path}");
        }
        _process = Process.Start(psi)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + ReadyWithin;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"rspamd exited ({_process.ExitCode}): {Log}");
            // Both workers answering and the controller's Bayes statfiles loaded: a learn sent before that came back
            // "404 cannot find statfile backend to learn" now and then.
            bool normal = await PingAsync(http, Url), controller = normal && await PingAsync(http, ControllerUrl);
            bool statfiles = controller && await StatfilesLoadedAsync();
            if (statfiles) return;
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"rspamd (pid {_process.Id}) not ready after {ReadyWithin.TotalSeconds:0} s: normal worker /ping {normal}, "
                    + $"controller /ping {controller}, Bayes statfiles loaded {statfiles}; it logged: {Log}");
            }
            await Task.Delay(250);
        }
    }

    private async Task<bool> StatfilesLoadedAsync()
    {
        try
        {
            var (_, revisions) = await StatAsync();
            return revisions.ContainsKey("BAYES_SPAM") && revisions.ContainsKey("BAYES_HAM");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<bool> PingAsync(HttpClient http, string baseUrl)
    {
        try
        {
            return (await http.GetStringAsync(baseUrl + "/ping")).StartsWith("pong", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The controller's <c>/stat</c>: how many messages it learned, and the Bayes statfiles' revisions (learns) by symbol.</summary>
    public async Task<(long Learned, IReadOnlyDictionary<string, long> Revisions)> StatAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, ControllerUrl + "/stat");
        request.Headers.Add("Password", Password);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var revisions = json.RootElement.GetProperty("statfiles").EnumerateArray()
            .ToDictionary(s => s.GetProperty("symbol").GetString()!, s => s.GetProperty("revision").GetInt64());
        return (json.RootElement.GetProperty("learned").GetInt64(), revisions);
    }

    /// <summary>What rspamd logged (its first 3,000 and last 5,000 characters when longer), for failure messages.</summary>
    public string Log
    {
        get
        {
            string path = Path.Combine(_folder, "log", "rspamd.log");
            if (!File.Exists(path)) return "";
            string text = File.ReadAllText(path);
            // Its start (where a worker that failed says why) and its end.
            return text.Length <= 8000 ? text : text[..3000] + "\n[...]\n" + text[^5000..];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
