using CloudMail.EndToEnd.Tests.Infrastructure;
using CloudMail.Tests.Shared;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// <c>cloudmail dns records</c> and <c>dns check</c> as an admin runs them: the zone lines a domain needs, then a real
/// DNS server (dnsmasq on loopback) publishing most of them, one wrong and one missing.
/// </summary>
public sealed class DnsSetupCommandTests : IAsyncLifetime
{
    private const string Domain = "setup.test";
    private const string Host = "mail.setup.test";

    private DnsmasqProcess? _dns;
    private CloudMailProcess _cloudmail = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_dns is not null) await _dns.DisposeAsync();
        await _cloudmail.DisposeAsync();
    }

    private async Task<string> AdminOkAsync(params string[] words)
    {
        var (code, output) = await _cloudmail.AdminAsync(null, words);
        Assert.True(code == 0, $"{string.Join(' ', words)} exited {code}: {output}");
        return output;
    }

    private static readonly string[] StandardPorts =
    [
        "--CloudMail:Ports:Submission=587", "--CloudMail:Ports:Submissions=465", "--CloudMail:Ports:Imap=143",
        "--CloudMail:Ports:Imaps=993", "--CloudMail:Ports:Pop3=110", "--CloudMail:Ports:Pop3s=995",
    ];

    [Fact]
    public async Task Records_lists_every_record_and_check_says_which_are_ok_missing_or_wrong()
    {
        _cloudmail = new CloudMailProcess(hostName: Host, extraSettings: StandardPorts);
        await AdminOkAsync("domain", "add", Domain);
        string dkimLine = (await AdminOkAsync("dkim", "generate", Domain, "--selector", "s1")).Split('\n')[0];
        string dkimText = string.Concat(dkimLine[dkimLine.IndexOf('"')..].Split('"', StringSplitOptions.RemoveEmptyEntries).Where(p => p.Trim().Length > 0));

        string records = await AdminOkAsync("dns", "records", Domain);
        Assert.Contains($"{Domain}. 3600 IN MX 10 {Host}.", records);
        Assert.Contains($"{Domain}. 3600 IN TXT \"v=spf1 mx -all\"", records);
        Assert.Contains("s1._domainkey.setup.test. 3600 IN TXT \"v=DKIM1; k=rsa; p=", records);
        Assert.Contains($"_dmarc.{Domain}. 3600 IN TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@{Domain}\"", records);
        Assert.Matches(@"_mta-sts\.setup\.test\. 3600 IN TXT ""v=STSv1; id=[0-9a-f]{20}""", records);
        Assert.Contains($"_smtp._tls.{Domain}. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@{Domain}\"", records);
        Assert.Contains($"_imaps._tcp.{Domain}. 3600 IN SRV 0 1 993 {Host}.", records);
        Assert.Contains($"_submissions._tcp.{Domain}. 3600 IN SRV 0 1 465 {Host}.", records);
        Assert.Contains($"autoconfig.{Domain}. 3600 IN CNAME {Host}.", records);
        Assert.DoesNotContain("warning", records, StringComparison.Ordinal);
        string stsId = System.Text.RegularExpressions.Regex.Match(records, "v=STSv1; id=([0-9a-f]+)").Groups[1].Value;

        // Published: everything but TLS-RPT, with the submission SRV record on the wrong port.
        _dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Host(Host, "127.0.0.1"),
            DnsmasqProcess.Mx(Domain, Host),
            DnsmasqProcess.Txt(Domain, "v=spf1 mx -all"),
            DnsmasqProcess.Txt("s1._domainkey." + Domain, Chunks(dkimText)),
            DnsmasqProcess.Txt("_dmarc." + Domain, "v=DMARC1; p=none"),
            DnsmasqProcess.Txt("_mta-sts." + Domain, "v=STSv1; id=" + stsId),
            DnsmasqProcess.Cname("mta-sts." + Domain, Host),
            DnsmasqProcess.Cname("autoconfig." + Domain, Host),
            DnsmasqProcess.Cname("autodiscover." + Domain, Host),
            DnsmasqProcess.Srv("_submissions._tcp." + Domain, Host, 465),
            DnsmasqProcess.Srv("_submission._tcp." + Domain, Host, 2525, 10),
            DnsmasqProcess.Srv("_imaps._tcp." + Domain, Host, 993),
            DnsmasqProcess.Srv("_imap._tcp." + Domain, Host, 143, 10),
            DnsmasqProcess.Srv("_pop3s._tcp." + Domain, Host, 995, 20),
            DnsmasqProcess.Srv("_pop3._tcp." + Domain, Host, 110, 30));
        var (code, check) = await _cloudmail.AdminAsync(null, ["dns", "check", Domain, $"--CloudMail:Dns:Servers:0={_dns.Endpoint}"]);

        Assert.Equal(1, code);
        string[] lines = check.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("ok       MX    setup.test", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok       TXT   s1._domainkey.setup.test", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok       TXT   _dmarc.setup.test", StringComparison.Ordinal)); // p=none is the owner's choice
        Assert.Contains(lines, l => l.StartsWith("ok       TXT   _mta-sts.setup.test", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok       CNAME autoconfig.setup.test", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok       SRV   _imaps._tcp.setup.test", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("missing  TXT   _smtp._tls.setup.test", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("wrong    SRV   _submission._tcp.setup.test (found: 10 1 2525 mail.setup.test)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"publish: _submission._tcp.{Domain}. 3600 IN SRV 10 1 587 {Host}.", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(l => l.StartsWith("missing", StringComparison.Ordinal) || l.StartsWith("wrong", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Records_for_a_host_name_that_is_not_fully_qualified_say_so()
    {
        _cloudmail = new CloudMailProcess(hostName: "vm");
        await AdminOkAsync("domain", "add", Domain);
        string records = await AdminOkAsync("dns", "records", Domain);
        Assert.Contains("warning: CloudMail:HostName is 'vm', not a fully qualified domain name: the MX and CNAME records point at a name "
            + "other servers cannot look up", records, StringComparison.Ordinal);
        Assert.Contains($"{Domain}. 3600 IN MX 10 vm.", records); // still printed, for the operator to see what is wrong
    }

    [Fact]
    public async Task Records_of_a_domain_that_is_not_local_is_an_error()
    {
        _cloudmail = new CloudMailProcess(hostName: Host);
        var (code, output) = await _cloudmail.AdminAsync(null, "dns", "records", "elsewhere.test");
        Assert.Equal(1, code);
        Assert.Contains("not a local domain", output, StringComparison.Ordinal);
    }

    /// <summary>TXT strings of at most 255 characters (dnsmasq's command line takes them comma-separated).</summary>
    private static string[] Chunks(string text) =>
        [.. Enumerable.Range(0, (text.Length + 254) / 255).Select(i => text.Substring(i * 255, Math.Min(255, text.Length - i * 255)))];
}
