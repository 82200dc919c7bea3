using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudMail.Tests.Shared;

/// <summary>
/// A real Postfix (Debian's <c>postfix</c> package) on one loopback address, port 25, with a private configuration,
/// queue and maildir in a temp folder: the peer of delivery tests in both directions. It receives mail for
/// <see cref="Domain"/> into one maildir (every local part lands in the same maildir), relays mail from loopback
/// clients for any other domain to <c>relayHost</c> (Postfix's <c>relayhost</c>, e.g. <c>[127.0.0.2]:25</c>), and, with
/// <c>startTls</c>, offers STARTTLS with a self-signed certificate. Started as <c>master -d</c> (foreground), stopped by
/// its PID. Needs root (Postfix drops to its <c>postfix</c> user) and the package installed by <c>build/test.sh</c>; a
/// missing Postfix makes the test fail, never skip.
/// </summary>
public sealed class PostfixInstance : IAsyncDisposable
{
    private const string MasterPath = "/usr/lib/postfix/sbin/master";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cloudmail-postfix-" + Guid.NewGuid().ToString("N")[..12]);
    private Process? _master;

    private PostfixInstance(string address, string domain)
    {
        Address = address;
        Domain = domain;
    }

    /// <summary>The loopback address Postfix's smtpd listens on (port 25).</summary>
    public string Address { get; }

    /// <summary>The domain Postfix delivers locally (its virtual mailbox domain).</summary>
    public string Domain { get; }

    /// <summary>With <c>startTls</c>: the PEM file of its self-signed certificate (CN <c>postfix.test</c>), e.g. to trust it.</summary>
    public string? CertificatePath { get; private set; }

    /// <summary>Postfix's own log (<c>maillog_file</c>), for failure messages.</summary>
    public string Log => File.Exists(Path.Combine(_root, "maillog")) ? File.ReadAllText(Path.Combine(_root, "maillog")) : "";

    private string MaildirPath => Path.Combine(_root, "mail", "inbox");

    /// <summary>
    /// Starts Postfix on <paramref name="address"/>:25 for <paramref name="domain"/>, relaying other domains to
    /// <paramref name="relayHost"/> when given, with STARTTLS when <paramref name="startTls"/>, and
    /// <paramref name="extraMainCf"/> lines appended to main.cf. Returns once port 25 accepts connections.
    /// </summary>
    public static async Task<PostfixInstance> StartAsync(
        string address, string domain, string? relayHost = null, bool startTls = false, params string[] extraMainCf)
    {
        if (!File.Exists(MasterPath)) throw new InvalidOperationException($"Postfix is not installed ({MasterPath} missing); build/test.sh installs it");
        var instance = new PostfixInstance(address, domain);
        try
        {
            await instance.StartCoreAsync(relayHost, startTls, extraMainCf);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every message in the maildir so far, as raw text, oldest first.</summary>
    public IReadOnlyList<string> Messages()
    {
        var files = new List<FileInfo>();
        foreach (string sub in new[] { "new", "cur" })
        {
            string folder = Path.Combine(MaildirPath, sub);
            if (System.IO.Directory.Exists(folder)) files.AddRange(new DirectoryInfo(folder).GetFiles());
        }
        return files.OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal).Select(f => File.ReadAllText(f.FullName)).ToList();
    }

    /// <summary>Waits until a message containing <paramref name="text"/> arrived; returns it, or throws with Postfix's log.</summary>
    public async Task<string> WaitForMessageAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? found = Messages().FirstOrDefault(m => m.Contains(text, StringComparison.Ordinal));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Postfix at {Address} got no message containing '{text}' in {timeout}. Log:\n{Log}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until Postfix's log contains <paramref name="text"/> (e.g. a relay's <c>status=sent</c>).</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Postfix log at {Address} never showed '{text}' in {timeout}. Log:\n{Log}");
            await Task.Delay(100);
        }
    }

    private async Task StartCoreAsync(string? relayHost, bool startTls, string[] extraMainCf)
    {
        string etc = Path.Combine(_root, "etc"), queue = Path.Combine(_root, "queue"), data = Path.Combine(_root, "data"), mail = Path.Combine(_root, "mail");
        foreach (string d in new[] { etc, queue, data, mail }) System.IO.Directory.CreateDirectory(d);
        (int uid, int gid) = (Id("-u", "postfix"), Id("-g", "postfix"));
        int postdrop = Gid("postdrop");

        // The queue layout `postfix check` would create: private queues owned by postfix, public and maildrop by postdrop.
        System.IO.Directory.CreateDirectory(Path.Combine(queue, "pid"));
        foreach (string q in new[] { "incoming", "active", "deferred", "bounce", "defer", "flush", "hold", "corrupt", "saved", "trace", "private" })
            Own(System.IO.Directory.CreateDirectory(Path.Combine(queue, q)).FullName, uid, gid, "700");
        Own(System.IO.Directory.CreateDirectory(Path.Combine(queue, "public")).FullName, uid, postdrop, "710");
        Own(System.IO.Directory.CreateDirectory(Path.Combine(queue, "maildrop")).FullName, uid, postdrop, "730");
        Own(data, uid, gid, "700");
        Own(mail, uid, gid, "700");

        var main = new StringBuilder();
        main.AppendLine("compatibility_level = 3.6");
        main.AppendLine($"queue_directory = {queue}");
        main.AppendLine($"data_directory = {data}");
        main.AppendLine("mail_owner = postfix");
        main.AppendLine("setgid_group = postdrop");
        main.AppendLine("inet_interfaces = loopback-only");
        main.AppendLine("inet_protocols = ipv4");
        main.AppendLine($"myhostname = mx.{Domain}");
        main.AppendLine($"mydomain = {Domain}");
        main.AppendLine($"myorigin = {Domain}");
        main.AppendLine("mydestination =");
        main.AppendLine("mynetworks = 127.0.0.0/8");
        main.AppendLine($"virtual_mailbox_domains = {Domain}");
        main.AppendLine($"virtual_mailbox_base = {mail}");
        main.AppendLine("virtual_mailbox_maps = static:inbox/");
        main.AppendLine($"virtual_uid_maps = static:{uid}");
        main.AppendLine($"virtual_gid_maps = static:{gid}");
        if (relayHost is not null) main.AppendLine($"relayhost = {relayHost}");
        main.AppendLine($"smtp_bind_address = {Address}");
        main.AppendLine("smtputf8_enable = no");
        main.AppendLine("biff = no");
        main.AppendLine($"maillog_file_prefixes = {_root}");
        main.AppendLine($"maillog_file = {Path.Combine(_root, "maillog")}");
        main.AppendLine("smtp_tls_security_level = may");
        if (startTls)
        {
            (string cert, string key) = WriteSelfSignedCertificate(etc);
            CertificatePath = cert;
            main.AppendLine($"smtpd_tls_cert_file = {cert}");
            main.AppendLine($"smtpd_tls_key_file = {key}");
            main.AppendLine("smtpd_tls_security_level = may");
            main.AppendLine("smtpd_tls_loglevel = 1");
        }
        foreach (string line in extraMainCf) main.AppendLine(line);
        await File.WriteAllTextAsync(Path.Combine(etc, "main.cf"), main.ToString());
        // No chroot (the temp folder has no copies of /etc files); smtpd only on this instance's address.
        await File.WriteAllTextAsync(Path.Combine(etc, "master.cf"), $"""
            {Address}:25 inet n - n - - smtpd
            pickup    unix  n - n 60 1 pickup
            cleanup   unix  n - n - 0 cleanup
            qmgr      unix  n - n 300 1 qmgr
            tlsmgr    unix  - - n 1000? 1 tlsmgr
            rewrite   unix  - - n - - trivial-rewrite
            bounce    unix  - - n - 0 bounce
            defer     unix  - - n - 0 bounce
            trace     unix  - - n - 0 bounce
            verify    unix  - - n - 1 verify
            flush     unix  n - n 1000? 0 flush
            proxymap  unix  - - n - - proxymap
            proxywrite unix - - n - 1 proxymap
            smtp      unix  - - n - - smtp
            relay     unix  - - n - - smtp
            showq     unix  n - n - - showq
            error     unix  - - n - - error
            retry     unix  - - n - - error
            discard   unix  - - n - - discard
            local     unix  - n n - - local
            virtual   unix  - n n - - virtual
            anvil     unix  - - n - 1 anvil
            scache    unix  - - n - 1 scache
            postlog   unix-dgram n - n - 1 postlogd

            """);

        var psi = new ProcessStartInfo(MasterPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-c", etc, "-d" }) psi.ArgumentList.Add(a);
        _master = Process.Start(psi)!;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_master.HasExited)
                throw new InvalidOperationException($"Postfix master exited ({_master.ExitCode}): {await _master.StandardError.ReadToEndAsync()} {Log}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(Address, 25);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static (string Cert, string Key) WriteSelfSignedCertificate(string folder)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=postfix.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        string certPath = Path.Combine(folder, "cert.pem"), keyPath = Path.Combine(folder, "key.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (certPath, keyPath);
    }

    private static int Id(string flag, string user) => int.Parse(Run("id", flag, user), System.Globalization.CultureInfo.InvariantCulture);

    private static int Gid(string group) =>
        int.Parse(Run("getent", "group", group).Split(':')[2], System.Globalization.CultureInfo.InvariantCulture);

    private static void Own(string path, int uid, int gid, string mode)
    {
        Run("chown", $"{uid}:{gid}", path);
        Run("chmod", mode, path);
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}");
        return output.Trim();
    }

    /// <summary>Stops Postfix (SIGTERM to master, which stops its children; SIGKILL after 10 s) and removes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_master is { HasExited: false })
        {
            Run("kill", "-TERM", _master.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _master.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _master.Kill(entireProcessTree: true); }
        }
        _master?.Dispose();
        try { System.IO.Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
