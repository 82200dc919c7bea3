using CloudMail.Core.Delivery;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery.MtaSts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Tests.TlsReporting;

/// <summary>
/// What the transport reports for sessions under an MTA-STS policy (RFC 8460 §4.3 result types), over real parts: policies
/// served over HTTPS, a real dnsmasq, and a Postfix with STARTTLS on 127.0.0.37 whose certificate names
/// <c>postfix.test</c>.
/// </summary>
public sealed class MtaStsTlsReportTests(MtaStsReportPeers peers) : IClassFixture<MtaStsReportPeers>
{
    private sealed class ListRecorder : ITlsSessionRecorder
    {
        public List<TlsSessionResult> Sessions { get; } = [];

        public Task RecordAsync(TlsSessionResult session, CancellationToken cancellationToken)
        {
            lock (Sessions) Sessions.Add(session);
            return Task.CompletedTask;
        }
    }

    private async Task<(RecipientResult Result, List<TlsSessionResult> Sessions)> DeliverAsync(string domain)
    {
        // The default DNS patience (5 s, 2 retries): dnsmasq shares two cores with the rest of the suite.
        var lookup = DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [peers.Dns.Endpoint] });
        var tls = Options.Create(new OutboundTlsOptions { ExtraTrustedRootsFile = peers.TrustedRootsFile });
        var trust = new TlsTrust(tls);
        var delivery = Options.Create(new DeliveryOptions { HeloName = "mail.a.test", ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(20) });
        var recorder = new ListRecorder();
        using var policies = new MtaStsPolicySource(lookup, trust, tls, NullLogger<MtaStsPolicySource>.Instance);
        var transport = new SmtpOutboundTransport(new MxResolver(lookup), delivery, NullLogger<SmtpOutboundTransport>.Instance, trust, policies) { TlsReports = recorder };
        var results = await transport.DeliverAsync(new OutboundEnvelope(domain, "alice@a.test", [new OutboundRecipient("x@" + domain)]),
            _ => Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.ASCII.GetBytes($"From: alice@a.test\r\nTo: x@{domain}\r\nSubject: r\r\n\r\nBody.\r\n"))),
            CancellationToken.None);
        return (Assert.Single(results), recorder.Sessions);
    }

    [Fact]
    public async Task A_verified_session_under_an_enforced_policy_is_a_success_of_that_policy()
    {
        var (result, sessions) = await DeliverAsync("enforce.test");

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        var session = Assert.Single(sessions);
        Assert.True(session.Succeeded);
        Assert.Equal(TlsPolicyType.Sts, session.Policy.Type);
        Assert.Equal("enforce.test", session.Policy.PolicyDomain);
        Assert.Equal(["version: STSv1", "mode: enforce", "mx: postfix.test", "max_age: 86400"], session.Policy.PolicyStrings);
        Assert.Equal(["postfix.test"], session.Policy.MxHosts);
    }

    [Fact]
    public async Task A_certificate_that_does_not_name_the_MX_host_is_a_host_mismatch()
    {
        var (result, sessions) = await DeliverAsync("unverified.test");

        Assert.Equal(RecipientOutcome.Transient, result.Outcome);
        var failure = Assert.Single(sessions).Failure;
        Assert.NotNull(failure);
        Assert.Equal(TlsResultTypes.CertificateHostMismatch, failure.ResultType);
        Assert.Equal("mx.unverified.test", failure.ReceivingMxHostname);
        Assert.Equal(MtaStsReportPeers.Address, failure.ReceivingIp);
        Assert.Equal("127.0.0.1", failure.SendingMtaIp);
    }

    [Theory]
    [InlineData("mismatch.test", RecipientOutcome.Transient)] // enforce: the host is skipped, no session
    [InlineData("testing.test", RecipientOutcome.Delivered)] // testing: delivered anyway, still a failure of the policy
    public async Task An_MX_host_outside_the_policy_is_one_validation_failure(string domain, RecipientOutcome outcome)
    {
        var (result, sessions) = await DeliverAsync(domain);

        Assert.Equal(outcome, result.Outcome);
        var session = Assert.Single(sessions);
        Assert.Equal(TlsPolicyType.Sts, session.Policy.Type);
        Assert.Equal(new TlsFailureDetail(TlsResultTypes.ValidationFailure, null, "postfix.test", null, "mx-not-in-sts-policy"), session.Failure);
    }
}

/// <summary>The MTA-STS peers (<see cref="MtaStsPeers"/>) with Postfix on 127.0.0.37:25 and the policy host on 127.0.9.57:443.</summary>
public sealed class MtaStsReportPeers() : MtaStsPeers(Address, "127.0.9.57")
{
    public const string Address = "127.0.0.37";
}
