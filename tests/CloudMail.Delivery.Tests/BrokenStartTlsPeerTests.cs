using CloudMail.Core.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Tests;

/// <summary>
/// Delivery to real Postfix peers with a broken TLS setup: one offers STARTTLS but cannot complete a handshake (it allows
/// only TLS 1.0 and 1.1, which this machine's OpenSSL and .NET refuse), one offers it and answers it with 454 (its
/// certificate file is missing, the "TLS not available due to local problem" of RFC 3207 §4): opportunistic TLS then delivers
/// over the same host without TLS, as Postfix (smtp_tls_security_level=may) and Exim (tls_tempfail_tryclear) do;
/// required TLS (REQUIRETLS, a smart host with Tls=StartTls) never does.
/// </summary>
public sealed class BrokenStartTlsPeerTests(BrokenStartTlsPeer peer) : IClassFixture<BrokenStartTlsPeer>
{
    private SmtpOutboundTransport Transport(Action<DeliveryOptions>? configure = null)
    {
        var options = new DeliveryOptions { HeloName = "mail.a.test", ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(20) };
        configure?.Invoke(options);
        var resolver = new MxResolver(DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [peer.Dns.Endpoint] }));
        return new SmtpOutboundTransport(resolver, Options.Create(options), NullLogger<SmtpOutboundTransport>.Instance);
    }

    private static Func<CancellationToken, Task<Stream>> Message(string subject) => _ =>
        Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(
            $"From: alice@a.test\r\nTo: bob@broken.test\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@a.test>\r\n\r\nBody of {subject}.\r\n")));

    private static OutboundEnvelope Envelope(string domain = "broken.test") => new(domain, "alice@a.test", [new OutboundRecipient("bob@" + domain)]);

    [Fact]
    public async Task An_MX_host_whose_TLS_handshake_fails_gets_the_mail_without_TLS_in_the_same_attempt()
    {
        var result = Assert.Single(await Transport().DeliverAsync(Envelope(), Message("after-broken-tls"), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.EndsWith("(without TLS: STARTTLS failed)", result.Reply, StringComparison.Ordinal);
        string stored = await peer.Postfix.WaitForMessageAsync("Subject: after-broken-tls", TimeSpan.FromSeconds(10));
        Assert.Matches(@"Received: from mail\.a\.test \([^)]*\)\s+by mx\.broken\.test \(Postfix\) with ESMTP id", stored); // ESMTP, not ESMTPS
        Assert.Contains("SSL_accept error", peer.Postfix.Log, StringComparison.Ordinal); // STARTTLS was tried first
    }

    [Fact]
    public async Task An_MX_host_that_answers_STARTTLS_with_454_gets_the_mail_without_TLS_in_the_same_attempt()
    {
        var result = Assert.Single(await Transport().DeliverAsync(Envelope("refusing.test"), Message("after-refused-starttls"), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.EndsWith("(without TLS: STARTTLS failed)", result.Reply, StringComparison.Ordinal);
        string stored = await peer.Refusing.WaitForMessageAsync("Subject: after-refused-starttls", TimeSpan.FromSeconds(10));
        Assert.Matches(@"by mx\.refusing\.test \(Postfix\) with ESMTP id", stored);
    }

    [Fact]
    public async Task A_REQUIRETLS_message_is_never_sent_without_TLS()
    {
        var result = Assert.Single(await Transport().DeliverAsync(Envelope() with { RequireTls = true }, Message("requiretls-broken-tls"), CancellationToken.None));

        Assert.NotEqual(RecipientOutcome.Delivered, result.Outcome);
        Assert.StartsWith("550 5.7.30", result.Reply, StringComparison.Ordinal);
        Assert.DoesNotContain(peer.Postfix.Messages(), m => m.Contains("Subject: requiretls-broken-tls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_smart_host_whose_STARTTLS_fails_is_not_used_without_TLS()
    {
        var transport = Transport(o => o.SmartHost = new SmartHostOptions
        {
            Host = BrokenStartTlsPeer.PostfixAddress, Port = 25, Tls = SmartHostTls.StartTls, AllowUntrustedCertificate = true,
        });

        var result = Assert.Single(await transport.DeliverAsync(Envelope(), Message("relay-broken-tls"), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Transient, result.Outcome);
        Assert.Contains("SslHandshakeException: ", result.Reply, StringComparison.Ordinal);
        Assert.DoesNotContain("FAQ", result.Reply, StringComparison.Ordinal); // the handshake's own error, not MailKit's advice
        Assert.True(result.Reply.Length < 300, result.Reply);
        Assert.DoesNotContain(peer.Postfix.Messages(), m => m.Contains("Subject: relay-broken-tls", StringComparison.Ordinal));
    }
}

/// <summary>
/// dnsmasq with the MX of broken.test and refusing.test, and the Postfix peers of <see cref="BrokenStartTlsPeerTests"/>:
/// <see cref="Postfix"/> on 127.0.0.28:25 (no handshake possible), <see cref="Refusing"/> on 127.0.0.29:25 (STARTTLS answered 454).
/// </summary>
public sealed class BrokenStartTlsPeer : IAsyncLifetime
{
    public const string PostfixAddress = "127.0.0.28";
    public const string RefusingAddress = "127.0.0.29";

    public DnsmasqProcess Dns { get; private set; } = null!;

    public PostfixInstance Postfix { get; private set; } = null!;

    public PostfixInstance Refusing { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dns = await DnsmasqProcess.StartAsync(DnsmasqProcess.Mx("broken.test", "mx.broken.test", 10), DnsmasqProcess.Host("mx.broken.test", PostfixAddress),
            DnsmasqProcess.Mx("refusing.test", "mx.refusing.test", 10), DnsmasqProcess.Host("mx.refusing.test", RefusingAddress));
        Postfix = await PostfixInstance.StartAsync(PostfixAddress, "broken.test", startTls: true, extraMainCf:
        [
            "smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1.2, !TLSv1.3",
            "smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1.2, !TLSv1.3",
        ]);
        Refusing = await PostfixInstance.StartAsync(RefusingAddress, "refusing.test", startTls: true, extraMainCf:
        [
            "smtpd_tls_cert_file = /nonexistent/cloudmail-test-cert.pem",
        ]);
    }

    public async Task DisposeAsync()
    {
        if (Postfix is not null) await Postfix.DisposeAsync();
        if (Refusing is not null) await Refusing.DisposeAsync();
        if (Dns is not null) await Dns.DisposeAsync();
    }
}
