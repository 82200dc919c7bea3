using CloudMail.Core.Delivery;
using CloudMail.Delivery.MtaSts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Tests;

/// <summary>
/// MTA-STS (RFC 8461) end to end: policies served over real HTTPS (Kestrel, certificate from a test CA), found through
/// the <c>_mta-sts</c> TXT records of a real DNS server, applied to delivery to a real Postfix with STARTTLS.
/// </summary>
public sealed class MtaStsDeliveryTests(MtaStsPeers peers) : IClassFixture<MtaStsPeers>
{
    private SmtpOutboundTransport Transport()
    {
        // The default DNS patience (5 s, 2 retries): dnsmasq shares two cores with the rest of the suite.
        var lookup = DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [peers.Dns.Endpoint] });
        var tls = Options.Create(new OutboundTlsOptions { ExtraTrustedRootsFile = peers.TrustedRootsFile });
        var trust = new TlsTrust(tls);
        var delivery = Options.Create(new DeliveryOptions { HeloName = "mail.a.test", ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(20) });
        return new SmtpOutboundTransport(new MxResolver(lookup), delivery, NullLogger<SmtpOutboundTransport>.Instance, trust,
            new MtaStsPolicySource(lookup, trust, tls, NullLogger<MtaStsPolicySource>.Instance));
    }

    private async Task<RecipientResult> DeliverAsync(string domain, string subject) =>
        Assert.Single(await Transport().DeliverAsync(new OutboundEnvelope(domain, "alice@a.test", [new OutboundRecipient("x@" + domain)]),
            _ => Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(
                $"From: alice@a.test\r\nTo: x@{domain}\r\nSubject: {subject}\r\n\r\nBody.\r\n"))), CancellationToken.None));

    [Fact]
    public async Task The_policy_comes_over_HTTPS_from_the_host_the_TXT_record_announces()
    {
        var lookup = DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [peers.Dns.Endpoint] });
        var tls = Options.Create(new OutboundTlsOptions { ExtraTrustedRootsFile = peers.TrustedRootsFile });
        var log = new CapturingLogger<MtaStsPolicySource>();
        using var source = new MtaStsPolicySource(lookup, new TlsTrust(tls), tls, log);

        var policy = await source.GetAsync("enforce.test", CancellationToken.None);

        Assert.True(policy is not null, string.Join("; ", log.Entries.Select(e => e.Message)));
        Assert.Equal(MtaStsMode.Enforce, policy.Mode);
        Assert.Equal(["postfix.test"], policy.MxPatterns);
        Assert.Same(policy, await source.GetAsync("enforce.test", CancellationToken.None)); // same id, within max_age: the cached policy
        Assert.Null(await source.GetAsync("a-domain-without.test", CancellationToken.None));
    }

    [Fact]
    public async Task Enforce_defers_mail_when_no_MX_host_is_listed()
    {
        var result = await DeliverAsync("mismatch.test", "sts-mismatch");

        Assert.Equal(RecipientOutcome.Transient, result.Outcome);
        Assert.StartsWith("451 4.7.5", result.Reply, StringComparison.Ordinal);
        Assert.Null(result.RemoteHost);
    }

    [Fact]
    public async Task Enforce_defers_mail_when_the_MX_certificate_does_not_name_the_host()
    {
        var result = await DeliverAsync("unverified.test", "sts-unverified");

        Assert.Equal(RecipientOutcome.Transient, result.Outcome);
        Assert.StartsWith("451 4.7.5", result.Reply, StringComparison.Ordinal);
        await Task.Delay(200);
        Assert.DoesNotContain(peers.Postfix.Messages(), m => m.Contains("Subject: sts-unverified", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("enforce.test")] // the MX host is listed and its certificate verifies (STARTTLS required)
    [InlineData("testing.test")] // testing mode: the MX host is not listed, which is only logged
    [InlineData("nopolicy.test")] // a TXT record, but no policy file: delivered as without MTA-STS (RFC 8461 §5)
    public async Task Mail_is_delivered_where_the_policy_allows_it(string domain)
    {
        var result = await DeliverAsync(domain, "sts-" + domain);

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        await peers.Postfix.WaitForMessageAsync("Subject: sts-" + domain, TimeSpan.FromSeconds(10));
    }
}

/// <summary>dnsmasq, a Postfix with STARTTLS on 127.0.0.23:25 (certificate CN postfix.test) and the policy host on 127.0.9.50:443.</summary>
public class MtaStsPeers : IAsyncLifetime
{
    private readonly string _policyHostAddress;
    private MtaStsPolicyHost? _policies;

    public MtaStsPeers()
        : this("127.0.0.23", "127.0.9.50")
    {
    }

    /// <summary>The same peers on other addresses, for a test class that runs beside those using the defaults.</summary>
    protected MtaStsPeers(string postfixAddress, string policyHostAddress)
    {
        PostfixAddress = postfixAddress;
        _policyHostAddress = policyHostAddress;
    }

    /// <summary>Postfix's address (port 25).</summary>
    public string PostfixAddress { get; }

    public DnsmasqProcess Dns { get; private set; } = null!;

    public PostfixInstance Postfix { get; private set; } = null!;

    /// <summary>The test CA and Postfix's self-signed certificate, as the extra trusted roots.</summary>
    public string TrustedRootsFile { get; } = Path.Combine(Path.GetTempPath(), "cloudmail-sts-roots-" + Guid.NewGuid().ToString("N")[..8] + ".pem");

    public async Task InitializeAsync()
    {
        const string listsPostfix = "version: STSv1\nmode: enforce\nmx: postfix.test\nmax_age: 86400\n";
        _policies = await MtaStsPolicyHost.StartAsync(_policyHostAddress, new Dictionary<string, string>
        {
            ["enforce.test"] = listsPostfix,
            ["mismatch.test"] = "version: STSv1\nmode: enforce\nmx: *.elsewhere.test\nmax_age: 86400\n",
            ["unverified.test"] = "version: STSv1\nmode: enforce\nmx: mx.unverified.test\nmax_age: 86400\n",
            ["testing.test"] = "version: STSv1\nmode: testing\nmx: *.elsewhere.test\nmax_age: 86400\n",
        });
        var records = new List<string> { DnsmasqProcess.Host("postfix.test", PostfixAddress), DnsmasqProcess.Host("mx.unverified.test", PostfixAddress) };
        foreach (var (domain, mx) in new[]
                 {
                     ("enforce.test", "postfix.test"), ("mismatch.test", "postfix.test"), ("unverified.test", "mx.unverified.test"),
                     ("testing.test", "postfix.test"), ("nopolicy.test", "postfix.test"),
                 })
        {
            records.Add(DnsmasqProcess.Mx(domain, mx));
            records.Add(DnsmasqProcess.Txt("_mta-sts." + domain, "v=STSv1; id=20260101"));
            records.Add(DnsmasqProcess.Host("mta-sts." + domain, _policyHostAddress));
        }
        Dns = await DnsmasqProcess.StartAsync([.. records]);
        Postfix = await PostfixInstance.StartAsync(PostfixAddress, "enforce.test", startTls: true, extraMainCf:
            ["virtual_mailbox_domains = enforce.test mismatch.test unverified.test testing.test nopolicy.test"]);
        await File.WriteAllTextAsync(TrustedRootsFile, _policies.CaCertificatePem + "\n" + await File.ReadAllTextAsync(Postfix.CertificatePath!));
    }

    public async Task DisposeAsync()
    {
        if (Postfix is not null) await Postfix.DisposeAsync();
        if (Dns is not null) await Dns.DisposeAsync();
        if (_policies is not null) await _policies.DisposeAsync();
        File.Delete(TrustedRootsFile);
    }
}
