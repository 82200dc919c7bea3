using CloudMail.Core.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Tests;

/// <summary>
/// Delivery over SMTP to a real Postfix on loopback (port 25 of its own address), found through a real DNS server:
/// what the peer stored, and the per-recipient results CloudMail records.
/// </summary>
public sealed class SmtpOutboundTransportTests(SmtpPeers peers) : IClassFixture<SmtpPeers>
{
    private const string PostfixAddress = SmtpPeers.PostfixAddress;
    private readonly DnsmasqProcess _dns = peers.Dns;
    private readonly PostfixInstance _postfix = peers.Postfix;

    private SmtpOutboundTransport Transport(Action<DeliveryOptions>? configure = null)
    {
        var options = new DeliveryOptions { HeloName = "mail.a.test", ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(20) };
        configure?.Invoke(options);
        var resolver = new MxResolver(DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [_dns.Endpoint] }));
        return new SmtpOutboundTransport(resolver, Options.Create(options), NullLogger<SmtpOutboundTransport>.Instance);
    }

    private static Func<CancellationToken, Task<Stream>> Message(string subject, string from = "alice@a.test") => _ =>
        Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(
            $"From: {from}\r\nTo: someone@c.test\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@a.test>\r\n\r\nBody of {subject}.\r\n")));

    private static OutboundEnvelope Envelope(string domain, string from, params string[] recipients) =>
        new(domain, from, recipients.Select(r => new OutboundRecipient(r)).ToList());

    [Fact]
    public async Task A_message_reaches_the_MX_host_over_STARTTLS_and_is_stored_there()
    {
        var results = await Transport().DeliverAsync(Envelope("c.test", "alice@a.test", "carol@c.test"), Message("over-starttls"), CancellationToken.None);

        var result = Assert.Single(results);
        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.StartsWith("250 ", result.Reply, StringComparison.Ordinal);
        Assert.Contains(PostfixAddress, result.RemoteHost, StringComparison.Ordinal);
        string stored = await _postfix.WaitForMessageAsync("Subject: over-starttls", TimeSpan.FromSeconds(10));
        Assert.Contains("Body of over-starttls.", stored, StringComparison.Ordinal);
        await _postfix.WaitForLogAsync("TLS connection established from", TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("mail.a.test", @"Received: from mail\.a\.test \(")] // a fully qualified name is sent as it is
    [InlineData("vm", @"Received: from \[127\.0\.0\.\d+\] \(")] // a bare one is not: the address literal (RFC 5321 §4.1.4)
    public async Task The_EHLO_name_is_the_host_name_when_fully_qualified_else_the_address_literal_of_the_connection(string heloName, string received)
    {
        string subject = "ehlo-as-" + heloName;
        var results = await Transport(o => o.HeloName = heloName).DeliverAsync(Envelope("c.test", "alice@a.test", "carol@c.test"), Message(subject), CancellationToken.None);

        Assert.Equal(RecipientOutcome.Delivered, Assert.Single(results).Outcome);
        string stored = await _postfix.WaitForMessageAsync("Subject: " + subject, TimeSpan.FromSeconds(10));
        Assert.Matches(received, stored);
    }

    [Fact]
    public async Task A_smart_host_by_name_is_reached_through_the_system_resolver_and_gets_the_address_literal_for_a_bare_host_name()
    {
        // "localhost" from the hosts file (::1 first on most machines, where nothing listens: the next address is tried),
        // in front of the Postfix peer.
        await using var relay = Sessions.CountingTcpProxy.Start("127.0.0.1", new System.Net.IPEndPoint(System.Net.IPAddress.Parse(PostfixAddress), 25));
        var transport = Transport(o =>
        {
            o.HeloName = "vm";
            o.SmartHost = new SmartHostOptions { Host = "localhost", Port = relay.Port, Tls = SmartHostTls.None };
        });

        var result = Assert.Single(await transport.DeliverAsync(Envelope("c.test", "alice@a.test", "carol@c.test"), Message("smart-host-by-name"), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.Equal(1, relay.Connections);
        Assert.Matches(@"Received: from \[127\.0\.0\.1\] \(", await _postfix.WaitForMessageAsync("Subject: smart-host-by-name", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Each_recipient_gets_its_own_result_in_one_transaction()
    {
        var results = await Transport().DeliverAsync(Envelope("c.test", "alice@a.test", "carol@c.test", "nobody@c.test", "busy@c.test"),
            Message("mixed-recipients"), CancellationToken.None);

        Assert.Equal([RecipientOutcome.Delivered, RecipientOutcome.Permanent, RecipientOutcome.Transient], results.Select(r => r.Outcome));
        Assert.StartsWith("550 5.1.1", results[1].Reply, StringComparison.Ordinal);
        Assert.StartsWith("450 4.2.1", results[2].Reply, StringComparison.Ordinal);
        string stored = await _postfix.WaitForMessageAsync("Subject: mixed-recipients", TimeSpan.FromSeconds(10));
        Assert.Single(_postfix.Messages(), m => m.Contains("Subject: mixed-recipients", StringComparison.Ordinal));
        Assert.Contains("carol@c.test", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recipients_beyond_the_per_transaction_limit_go_in_further_transactions()
    {
        string[] recipients = ["r1@c.test", "r2@c.test", "r3@c.test", "nobody@c.test", "r5@c.test"];
        var results = await Transport(o => o.MaxRecipientsPerTransaction = 2)
            .DeliverAsync(Envelope("c.test", "chunks@a.test", recipients), Message("in-chunks", "chunks@a.test"), CancellationToken.None);

        // One result per recipient, in order; a refusal in one transaction touches only its recipient.
        Assert.Equal(recipients, results.Select(r => r.Recipient));
        Assert.Equal([RecipientOutcome.Delivered, RecipientOutcome.Delivered, RecipientOutcome.Delivered, RecipientOutcome.Permanent, RecipientOutcome.Delivered],
            results.Select(r => r.Outcome));
        // Postfix queued three messages from this sender: 2 + 1 (of 2 given) + 1 recipients.
        await _postfix.WaitForLogAsync("from=<chunks@a.test>", TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string[] queued;
        do
        {
            queued = [.. _postfix.Log.Split('\n').Where(l => l.Contains("from=<chunks@a.test>", StringComparison.Ordinal) && l.Contains("nrcpt=", StringComparison.Ordinal))];
            if (queued.Length >= 3) break;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(["nrcpt=1", "nrcpt=1", "nrcpt=2"], queued.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"nrcpt=\d+").Value).Order());
    }

    [Fact]
    public async Task A_refused_sender_fails_every_recipient_permanently()
    {
        var results = await Transport().DeliverAsync(Envelope("c.test", "blocked@a.test", "carol@c.test"), Message("blocked", "blocked@a.test"), CancellationToken.None);

        var result = Assert.Single(results);
        Assert.Equal(RecipientOutcome.Permanent, result.Outcome);
        Assert.StartsWith("553 5.7.1", result.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_preferred_host_is_down_the_next_one_takes_the_mail()
    {
        var result = Assert.Single(await Transport().DeliverAsync(Envelope("fallback.test", "alice@a.test", "dave@fallback.test"),
            Message("via-second-mx"), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.Contains("up.fallback.test", result.RemoteHost, StringComparison.Ordinal);
        await _postfix.WaitForMessageAsync("Subject: via-second-mx", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task No_reachable_host_is_a_temporary_failure()
    {
        var result = Assert.Single(await Transport().DeliverAsync(Envelope("unreachable.test", "alice@a.test", "x@unreachable.test"),
            Message("nowhere"), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Transient, result.Outcome);
        Assert.StartsWith("451 4.4.1", result.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_MX_domain_fails_permanently_without_a_connection()
    {
        var result = Assert.Single(await Transport().DeliverAsync(Envelope("nullmx.test", "alice@a.test", "x@nullmx.test"), Message("nullmx"), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Permanent, result.Outcome);
        Assert.StartsWith("556 5.1.10", result.Reply, StringComparison.Ordinal);
        Assert.Null(result.RemoteHost);
    }

    [Fact]
    public async Task A_bounce_goes_out_with_the_null_sender()
    {
        var result = Assert.Single(await Transport().DeliverAsync(Envelope("c.test", "", "carol@c.test"), Message("null-sender-bounce"), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        await _postfix.WaitForMessageAsync("Subject: null-sender-bounce", TimeSpan.FromSeconds(10));
        await _postfix.WaitForLogAsync("from=<>", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task REQUIRETLS_mail_is_refused_permanently_by_a_peer_that_does_not_offer_it()
    {
        var envelope = Envelope("c.test", "alice@a.test", "carol@c.test") with { RequireTls = true };
        // Postfix's certificate is self-signed: not verified, so no REQUIRETLS hop exists (RFC 8689 §4.2.1).
        var result = Assert.Single(await Transport().DeliverAsync(envelope, Message("requiretls"), CancellationToken.None));

        Assert.NotEqual(RecipientOutcome.Delivered, result.Outcome);
        Assert.DoesNotContain(_postfix.Messages(), m => m.Contains("Subject: requiretls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_smart_host_takes_mail_for_every_domain_whatever_its_MX()
    {
        var transport = Transport(o => o.SmartHost = new SmartHostOptions
        {
            Host = PostfixAddress, Port = 25, Tls = SmartHostTls.StartTls, AllowUntrustedCertificate = true,
        });
        // unreachable.test's MX is down: the relay is used instead of it.
        var result = Assert.Single(await transport.DeliverAsync(Envelope("c.test", "alice@a.test", "carol@c.test"), Message("via-smart-host"), CancellationToken.None));
        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.Contains(PostfixAddress + ":25", result.RemoteHost, StringComparison.Ordinal);

        var viaRelay = Assert.Single(await transport.DeliverAsync(Envelope("unreachable.test", "alice@a.test", "x@unreachable.test"),
            Message("relay-for-unreachable"), CancellationToken.None));
        Assert.Equal(RecipientOutcome.Delivered, viaRelay.Outcome);
        await _postfix.WaitForMessageAsync("Subject: relay-for-unreachable", TimeSpan.FromSeconds(10));
        Assert.Contains(PostfixAddress, viaRelay.RemoteHost, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_per_domain_route_sends_that_domain_direct_while_others_use_the_smart_host()
    {
        var transport = Transport(o =>
        {
            o.SmartHost = new SmartHostOptions { Host = "127.0.0.21", Port = 25, Tls = SmartHostTls.None }; // down
            o.Domains["c.test"] = new DomainRouteOptions { Mode = DeliveryMode.Mx };
        });

        Assert.Equal(RecipientOutcome.Delivered, Assert.Single(await transport.DeliverAsync(
            Envelope("c.test", "alice@a.test", "carol@c.test"), Message("direct-override"), CancellationToken.None)).Outcome);
        Assert.Equal(RecipientOutcome.Transient, Assert.Single(await transport.DeliverAsync(
            Envelope("fallback.test", "alice@a.test", "dave@fallback.test"), Message("smart-host-down"), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_smart_host_that_refuses_connections_is_held_like_an_MX_address()
    {
        var transport = Transport(o => o.SmartHost = new SmartHostOptions { Host = "127.0.0.21", Port = 25, Tls = SmartHostTls.None }); // down

        var first = Assert.Single(await transport.DeliverAsync(Envelope("c.test", "alice@a.test", "carol@c.test"), Message("relay-down-1"), CancellationToken.None));
        var second = Assert.Single(await transport.DeliverAsync(Envelope("c.test", "alice@a.test", "carol@c.test"), Message("relay-down-2"), CancellationToken.None));

        Assert.StartsWith("451 4.4.1 127.0.0.21:25: SocketException: ", first.Reply, StringComparison.Ordinal);
        Assert.Equal(RecipientOutcome.Transient, second.Outcome);
        Assert.Matches(@"^451 4\.4\.1 127\.0\.0\.21:25: not tried, no connection [01] s ago \(ConnectionRefused\)$", second.Reply);
    }
}

/// <summary>
/// The peers of <see cref="SmtpOutboundTransportTests"/>, started once for the class: dnsmasq with the test zones and a
/// Postfix on 127.0.0.22:25 (STARTTLS, one refused and one deferred recipient, one refused sender).
/// </summary>
public sealed class SmtpPeers : IAsyncLifetime
{
    public const string PostfixAddress = "127.0.0.22";

    public DnsmasqProcess Dns { get; private set; } = null!;

    public PostfixInstance Postfix { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Mx("c.test", "mx.c.test", 10), DnsmasqProcess.Host("mx.c.test", PostfixAddress),
            // The first host refuses connections (nothing listens on 127.0.0.21): delivery moves on to the second.
            DnsmasqProcess.Mx("fallback.test", "down.fallback.test", 10), DnsmasqProcess.Mx("fallback.test", "up.fallback.test", 20),
            DnsmasqProcess.Host("down.fallback.test", "127.0.0.21"), DnsmasqProcess.Host("up.fallback.test", PostfixAddress),
            DnsmasqProcess.Mx("unreachable.test", "down.unreachable.test", 10), DnsmasqProcess.Host("down.unreachable.test", "127.0.0.21"),
            DnsmasqProcess.NullMx("nullmx.test"));
        Postfix = await PostfixInstance.StartAsync(PostfixAddress, "c.test", startTls: true, extraMainCf:
        [
            "virtual_mailbox_domains = c.test fallback.test unreachable.test",
            "smtpd_recipient_restrictions = check_recipient_access inline:{ {nobody@c.test = 550 5.1.1 no such user here}, {busy@c.test = 450 4.2.1 mailbox busy} }, permit_mynetworks, reject",
            "smtpd_sender_restrictions = check_sender_access inline:{ {blocked@a.test = 553 5.7.1 sender blocked here} }",
        ]);
    }

    public async Task DisposeAsync()
    {
        if (Postfix is not null) await Postfix.DisposeAsync();
        if (Dns is not null) await Dns.DisposeAsync();
    }
}
