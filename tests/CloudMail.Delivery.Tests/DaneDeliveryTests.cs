using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using CloudMail.Core.Delivery;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery.Dane;
using CloudMail.Delivery.Tests.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Tests;

/// <summary>
/// DANE (RFC 7672) end to end: TLSA records in a zone signed with ldns and served by a real validating unbound (AD bit),
/// an unsigned zone beside it, a real Postfix with STARTTLS on 127.0.0.30 and an smtp-sink without TLS on 127.0.0.31.
/// </summary>
public sealed class DaneDeliveryTests(DanePeers peers) : IClassFixture<DanePeers>
{
    private SmtpOutboundTransport Transport(bool dane = true, ITlsSessionRecorder? reports = null)
    {
        // The default DNS patience (5 s, 2 retries): unbound shares two cores with the rest of the suite.
        var lookup = DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [peers.Dns.Endpoint] });
        var delivery = Options.Create(new DeliveryOptions { HeloName = "mail.a.test", ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(20) });
        return new SmtpOutboundTransport(new MxResolver(lookup), delivery, NullLogger<SmtpOutboundTransport>.Instance)
        {
            Dane = dane ? new DaneTlsaSource(lookup) : null,
            TlsReports = reports,
        };
    }

    private async Task<RecipientResult> DeliverAsync(string domain, string subject, bool dane = true, ITlsSessionRecorder? reports = null) =>
        Assert.Single(await Transport(dane, reports).DeliverAsync(new OutboundEnvelope(domain, "alice@a.test", [new OutboundRecipient("x@" + domain)]),
            _ => Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(
                $"From: alice@a.test\r\nTo: x@{domain}\r\nSubject: {subject}\r\n\r\nBody.\r\n"))), CancellationToken.None));

    [Fact]
    public async Task A_DANE_EE_record_matching_the_certificate_delivers_over_TLS()
    {
        var result = await DeliverAsync("match.sec.test", "dane-match");

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.EndsWith("(dane)", result.Reply, StringComparison.Ordinal);
        await peers.Postfix.WaitForMessageAsync("Subject: dane-match", TimeSpan.FromSeconds(10));
        await peers.Postfix.WaitForLogAsync("TLS connection established from", TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("mismatch.sec.test", "451 4.7.5 DANE requires authenticated TLS")] // the certificate matches no TLSA record
    [InlineData("nostarttls.sec.test", "451 4.7.5 DANE requires authenticated TLS")] // TLSA records, but no STARTTLS: no plaintext either
    [InlineData("bogus.sec.test", "451 4.7.5 DANE: TLSA lookup")] // the TLSA answer fails validation (SERVFAIL), RFC 7672 §2.1.1
    public async Task Mail_for_a_DANE_host_that_cannot_be_authenticated_is_deferred(string domain, string reply)
    {
        var result = await DeliverAsync(domain, "dane-deferred-" + domain);

        Assert.Equal(RecipientOutcome.Transient, result.Outcome);
        Assert.StartsWith(reply, result.Reply, StringComparison.Ordinal);
        await Task.Delay(300);
        Assert.DoesNotContain(peers.Postfix.Messages(), m => m.Contains("Subject: dane-deferred-" + domain, StringComparison.Ordinal));
        Assert.DoesNotContain(peers.Sink.Messages(), m => m.Content.Contains("Subject: dane-deferred-" + domain, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TLS_reports_count_DANE_sessions_under_the_tlsa_policy_with_its_records()
    {
        var sessions = new RecordedSessions();

        Assert.Equal(RecipientOutcome.Delivered, (await DeliverAsync("match.sec.test", "dane-report-ok", reports: sessions)).Outcome);
        Assert.Equal(RecipientOutcome.Transient, (await DeliverAsync("mismatch.sec.test", "dane-report-mismatch", reports: sessions)).Outcome);
        Assert.Equal(RecipientOutcome.Transient, (await DeliverAsync("bogus.sec.test", "dane-report-bogus", reports: sessions)).Outcome);

        Assert.Collection(sessions.Sessions,
            ok =>
            {
                Assert.Equal(new TlsReportPolicy(TlsPolicyType.Tlsa, "match.sec.test", [$"3 1 1 {peers.Spki.ToLowerInvariant()}"], []), ok.Policy);
                Assert.True(ok.Succeeded);
            },
            mismatch =>
            {
                Assert.Equal(new TlsReportPolicy(TlsPolicyType.Tlsa, "mismatch.sec.test", [$"3 1 1 {DanePeers.Nothing}"], []), mismatch.Policy);
                Assert.Equal((TlsResultTypes.TlsaInvalid, "mx2.sec.test", "127.0.0.30"),
                    (mismatch.Failure!.ResultType, mismatch.Failure.ReceivingMxHostname, mismatch.Failure.ReceivingIp));
            },
            bogus =>
            {
                Assert.Equal(new TlsReportPolicy(TlsPolicyType.Tlsa, "bogus.sec.test", [], []), bogus.Policy);
                Assert.Equal((TlsResultTypes.DnssecInvalid, "mx4.sec.test"), (bogus.Failure!.ResultType, bogus.Failure.ReceivingMxHostname));
            });
    }

    [Fact]
    public async Task A_host_failing_DANE_is_skipped_for_the_next_MX()
    {
        var result = await DeliverAsync("fallback.sec.test", "dane-fallback");

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.StartsWith("mx1.sec.test", result.RemoteHost, StringComparison.Ordinal);
        await peers.Postfix.WaitForMessageAsync("Subject: dane-fallback", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Without_DANE_the_same_plaintext_host_takes_the_mail()
    {
        var result = await DeliverAsync("nostarttls.sec.test", "dane-off", dane: false);

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        await peers.Sink.WaitForMessageAsync("Subject: dane-off", TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("open.test")] // unsigned zone: its mismatching TLSA record is not trusted (RFC 7672 §2.2)
    [InlineData("pkix.sec.test")] // only PKIX-EE(1) records: unusable (§3.1.3), so opportunistic TLS
    public async Task Without_usable_secure_TLSA_records_mail_goes_opportunistically(string domain)
    {
        var result = await DeliverAsync(domain, "dane-" + domain);

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.DoesNotContain("(dane)", result.Reply, StringComparison.Ordinal);
        await peers.Postfix.WaitForMessageAsync("Subject: dane-" + domain, TimeSpan.FromSeconds(10));
    }
}

/// <summary>Postfix with STARTTLS on 127.0.0.30:25, smtp-sink on 127.0.0.31:25, unbound serving <c>sec.test</c> (signed) and <c>open.test</c>.</summary>
public sealed class DanePeers : IAsyncLifetime
{
    public const string Nothing = "0000000000000000000000000000000000000000000000000000000000000000";

    public UnboundProcess Dns { get; private set; } = null!;

    public PostfixInstance Postfix { get; private set; } = null!;

    public SmtpSinkProcess Sink { get; private set; } = null!;

    /// <summary>SHA-256 of the Postfix certificate's public key (hex), as mx1's TLSA 3 1 1 record has it.</summary>
    public string Spki { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Postfix = await PostfixInstance.StartAsync("127.0.0.30", "match.sec.test", startTls: true, extraMainCf:
            ["virtual_mailbox_domains = match.sec.test fallback.sec.test pkix.sec.test open.test"]);
        Sink = await SmtpSinkProcess.StartAsync("127.0.0.31", 25);
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Postfix.CertificatePath!));
        string spki = Spki = Convert.ToHexString(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        string full = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        string secure = $"""
            mx1 A 127.0.0.30
            _25._tcp.mx1 TLSA 3 1 1 {spki}
            mx2 A 127.0.0.30
            _25._tcp.mx2 TLSA 3 1 1 {Nothing}
            mx3 A 127.0.0.31
            _25._tcp.mx3 TLSA 3 1 1 {spki}
            mx4 A 127.0.0.30
            _25._tcp.mx4 TLSA 3 0 1 {full}
            mx5 A 127.0.0.30
            _25._tcp.mx5 TLSA 1 1 1 {Nothing}
            match MX 10 mx1
            mismatch MX 10 mx2
            fallback MX 10 mx2
            fallback MX 20 mx1
            nostarttls MX 10 mx3
            bogus MX 10 mx4
            pkix MX 10 mx5
            """;
        string open = $"""
            @ MX 10 mx
            mx A 127.0.0.30
            _25._tcp.mx TLSA 3 1 1 {Nothing}
            """;
        // mx4's TLSA record changed after signing: its signature no longer verifies, so the validating resolver answers SERVFAIL.
        Dns = await UnboundProcess.StartAsync(
            new UnboundZone("sec.test", secure, Signed: true, AfterSigning: z => Regex.Replace(z, full, Nothing, RegexOptions.IgnoreCase)),
            new UnboundZone("open.test", open, Signed: false));
    }

    public async Task DisposeAsync()
    {
        if (Dns is not null) await Dns.DisposeAsync();
        if (Sink is not null) await Sink.DisposeAsync();
        if (Postfix is not null) await Postfix.DisposeAsync();
    }
}
