using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudMail.Core.Delivery;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CloudMail.Delivery.Tests;

/// <summary>
/// Delivery to Postfix's smtp-sink peers on loopback, found through a real DNS server: what arrives (bytes, EHLO, MAIL
/// and RCPT parameters) and the per-recipient result of each way a peer can refuse.
/// </summary>
public sealed class SmtpSinkDeliveryTests(SinkPeers peers) : IClassFixture<SinkPeers>
{
    /// <summary>How long a test waits for what a peer must get; passing tests never wait that long.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <param name="quickDnsTimeout">
    /// One try of 1 s per DNS query, for a test that must see a lookup time out; otherwise the default patience (5 s, 2
    /// retries), since dnsmasq shares two cores with the rest of the suite and may answer late.
    /// </param>
    private SmtpOutboundTransport Transport(Action<DeliveryOptions>? configure = null, bool quickDnsTimeout = false)
    {
        var options = new DeliveryOptions
        {
            HeloName = "mail.a.test", MxPort = peers.Port, ConnectTimeout = TimeSpan.FromSeconds(20), CommandTimeout = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        var dns = quickDnsTimeout
            ? new DnsOptions { Servers = [peers.Dns.Endpoint], Timeout = TimeSpan.FromSeconds(1), Retries = 0 }
            : new DnsOptions { Servers = [peers.Dns.Endpoint] };
        var resolver = new MxResolver(DnsServiceCollectionExtensions.CreateLookupClient(dns));
        return new SmtpOutboundTransport(resolver, Options.Create(options), NullLogger<SmtpOutboundTransport>.Instance);
    }

    private static Func<CancellationToken, Task<Stream>> Bytes(byte[] message) => _ => Task.FromResult<Stream>(new MemoryStream(message));

    private static Func<CancellationToken, Task<Stream>> Message(string subject) =>
        Bytes(Encoding.ASCII.GetBytes($"From: alice@a.test\r\nTo: bob@ok.test\r\nSubject: {subject}\r\n\r\nBody of {subject}.\r\n"));

    private static OutboundEnvelope Envelope(string domain, params string[] recipients) =>
        new(domain, "alice@a.test", recipients.Select(r => new OutboundRecipient(r)).ToList());

    private async Task<IReadOnlyList<RecipientResult>> DeliverAsync(OutboundEnvelope envelope, string subject, SmtpOutboundTransport? transport = null) =>
        await (transport ?? Transport()).DeliverAsync(envelope, Message(subject), CancellationToken.None);

    [Fact]
    public async Task A_peer_with_8BITMIME_stores_exactly_the_bytes_that_were_given()
    {
        // An unsigned 8-bit message to a peer that takes 8-bit bodies: nothing is re-encoded; Bcc, odd folding and dots
        // survive as well.
        byte[] sent = Encoding.UTF8.GetBytes(
            "From: Alice <alice@a.test>\r\nTo: bob@eight.test\r\nBcc: hidden@eight.test\r\n" +
            "Subject: =?utf-8?q?caf=C3=A9?=\r\n  folded  oddly \r\nContent-Type: text/plain; charset=utf-8\r\n" +
            "Content-Transfer-Encoding: 8bit\r\nMIME-Version: 1.0\r\n\r\n" +
            "Grüße aus Köln, déjà vu.\r\n.a line that starts with a dot\r\n..two dots\r\nlast line   \r\n");

        var result = Assert.Single(await Transport().DeliverAsync(Envelope("eight.test", "bob@eight.test"), Bytes(sent), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.Equal("mx.eight.test [127.0.9.9]", result.RemoteHost);
        var stored = await peers.EightBit.WaitForMessageAsync("Grüße aus Köln", Patience);
        Assert.Equal(Encoding.UTF8.GetString(sent).Replace("\r\n", "\n", StringComparison.Ordinal), stored.Content);
        Assert.Equal("mail.a.test", stored.HeloArgs);
        Assert.Contains("BODY=8BITMIME", stored.MailArgs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_without_8BITMIME_gets_8bit_bodies_converted_and_the_rest_as_given()
    {
        // RFC 6152 §3: never 8-bit bytes to a peer that did not offer 8BITMIME; the text is the same once decoded.
        const string headers = "From: Alice <alice@a.test>\r\nTo: bob@ok.test\r\nSubject: seven\r\n  folded  oddly \r\nMIME-Version: 1.0\r\n";
        byte[] sent = Encoding.UTF8.GetBytes(headers + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
            "Grüße aus Köln, déjà vu.\r\n.a line that starts with a dot\r\n");

        var result = Assert.Single(await Transport().DeliverAsync(Envelope("ok.test", "bob@ok.test"), Bytes(sent), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        var stored = await peers.Ok.WaitForMessageAsync("Subject: seven", Patience);
        Assert.DoesNotContain("BODY=", stored.MailArgs, StringComparison.Ordinal);
        Assert.All(Encoding.UTF8.GetBytes(stored.Content), b => Assert.InRange(b, (byte)1, (byte)127));
        Assert.StartsWith(headers.Replace("\r\n", "\n", StringComparison.Ordinal), stored.Content, StringComparison.Ordinal);
        using var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(stored.Content)));
        var body = Assert.IsType<TextPart>(message.Body);
        Assert.Equal(ContentEncoding.QuotedPrintable, body.ContentTransferEncoding);
        Assert.Equal("Grüße aus Köln, déjà vu.\n.a line that starts with a dot\n", body.Text.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("zo\u00eb@a.test", "bob@ok.test")]
    [InlineData("alice@a.test", "j\u00f6rg@ok.test")]
    public async Task An_address_that_needs_SMTPUTF8_is_returned_when_no_host_offers_it(string sender, string recipient)
    {
        // RFC 6531 §3.2; smtp-sink offers no SMTPUTF8. The ASCII recipient of the same transaction is returned too: its
        // copy would carry the same UTF-8 header fields.
        var envelope = new OutboundEnvelope("ok.test", sender, [new OutboundRecipient(recipient), new OutboundRecipient("carol@ok.test")]);
        string subject = "utf8-" + Guid.NewGuid().ToString("N");

        var results = await DeliverAsync(envelope, subject);

        Assert.All(results, r => Assert.Equal(RecipientOutcome.Permanent, r.Outcome));
        Assert.All(results, r => Assert.StartsWith("550 5.6.7 SMTPUTF8 is required, but was not offered by mx.ok.test [127.0.9.1]", r.Reply, StringComparison.Ordinal));
        await Task.Delay(500);
        Assert.DoesNotContain(peers.Ok.Messages(), m => m.Content.Contains(subject, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SMTPUTF8_mail_with_UTF8_header_fields_is_returned_when_no_host_offers_it()
    {
        var envelope = new OutboundEnvelope("ok.test", "alice@a.test", [new OutboundRecipient("bob@ok.test")], SmtpUtf8: true);
        byte[] message = Encoding.UTF8.GetBytes("From: Zoë <alice@a.test>\r\nTo: bob@ok.test\r\nSubject: utf8-headers Grüße\r\n\r\nbody\r\n");

        var result = Assert.Single(await Transport().DeliverAsync(envelope, Bytes(message), CancellationToken.None));

        Assert.Equal(RecipientOutcome.Permanent, result.Outcome);
        Assert.StartsWith("550 5.6.9 UTF-8 header fields need SMTPUTF8, which was not offered by mx.ok.test [127.0.9.1]", result.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SMTPUTF8_mail_whose_header_fields_are_ASCII_goes_to_a_host_without_SMTPUTF8()
    {
        var envelope = new OutboundEnvelope("ok.test", "alice@a.test", [new OutboundRecipient("bob@ok.test")], SmtpUtf8: true);

        var result = Assert.Single(await DeliverAsync(envelope, "utf8-flag-only"));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        var stored = await peers.Ok.WaitForMessageAsync("Subject: utf8-flag-only", Patience);
        Assert.DoesNotContain("SMTPUTF8", stored.MailArgs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_ASCII_domain_goes_to_a_peer_without_SMTPUTF8_as_A_labels()
    {
        var envelope = new OutboundEnvelope("ok.test", "alice@k\u00f6ln.test", [new OutboundRecipient("bob@ok.test")]);

        var result = Assert.Single(await DeliverAsync(envelope, "idn-sender"));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        var stored = await peers.Ok.WaitForMessageAsync("Subject: idn-sender", Patience);
        Assert.StartsWith("<alice@xn--kln-sna.test>", stored.MailArgs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"john doe\"@ok.test")]
    [InlineData("o'brien+tag@ok.test")]
    [InlineData("#!$%&'*+-/=?^_`{}|~@ok.test")]
    [InlineData("\"a@b\"@ok.test")]
    public async Task Unusual_valid_local_parts_reach_the_peer_as_given(string recipient)
    {
        // RFC 5321 §4.1.2: atext and quoted-string local parts, as the SMTP server of this project accepts them at RCPT.
        string subject = "odd-" + Guid.NewGuid().ToString("N");

        var result = Assert.Single(await DeliverAsync(Envelope("ok.test", recipient), subject));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        var stored = await peers.Ok.WaitForMessageAsync("Subject: " + subject, Patience);
        Assert.Equal("<" + recipient + ">", stored.RcptArgs[0]);
    }

    [Fact]
    public async Task DSN_parameters_go_to_a_peer_that_offers_DSN()
    {
        var envelope = new OutboundEnvelope("ok.test", "alice@a.test",
            [new OutboundRecipient("dsn1@ok.test", DsnNotify.Success | DsnNotify.Failure), new OutboundRecipient("dsn2@ok.test")],
            Return: DsnReturn.Headers, EnvelopeId: "env+1");

        Assert.All(await DeliverAsync(envelope, "dsn-params"), r => Assert.Equal(RecipientOutcome.Delivered, r.Outcome));

        var stored = await peers.Ok.WaitForMessageAsync("Subject: dsn-params", Patience);
        Assert.Contains("RET=HDRS", stored.MailArgs, StringComparison.Ordinal);
        Assert.Contains("ENVID=env+2B1", stored.MailArgs, StringComparison.Ordinal); // xtext (RFC 3461 §4)
        Assert.StartsWith("<dsn1@ok.test>", stored.RcptArgs[0], StringComparison.Ordinal);
        Assert.Contains("NOTIFY=SUCCESS,FAILURE", stored.RcptArgs[0], StringComparison.Ordinal);
        Assert.Contains("ORCPT=rfc822;dsn1@ok.test", stored.RcptArgs[0], StringComparison.Ordinal);
        Assert.Equal("<dsn2@ok.test>", stored.RcptArgs[1]);
    }

    [Fact]
    public async Task A_peer_without_DSN_gets_no_DSN_parameters()
    {
        var envelope = new OutboundEnvelope("nodsn.test", "alice@a.test", [new OutboundRecipient("x@nodsn.test", DsnNotify.Never)],
            Return: DsnReturn.Full, EnvelopeId: "env2");

        Assert.Equal(RecipientOutcome.Delivered, Assert.Single(await DeliverAsync(envelope, "no-dsn")).Outcome);

        var stored = await peers.NoDsn.WaitForMessageAsync("Subject: no-dsn", Patience);
        Assert.DoesNotContain("RET=", stored.MailArgs, StringComparison.Ordinal);
        Assert.DoesNotContain("ENVID=", stored.MailArgs, StringComparison.Ordinal);
        Assert.Equal("<x@nodsn.test>", Assert.Single(stored.RcptArgs));
    }

    [Fact]
    public async Task A_domain_with_only_an_address_record_receives_at_that_address()
    {
        var result = Assert.Single(await DeliverAsync(Envelope("implicit.test", "x@implicit.test"), "implicit-mx"));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.Equal("implicit.test [127.0.9.1]", result.RemoteHost);
        await peers.Ok.WaitForMessageAsync("Subject: implicit-mx", Patience);
    }

    [Theory]
    [InlineData("hard.test", RecipientOutcome.Permanent, "500 5.3.0")]
    [InlineData("soft.test", RecipientOutcome.Transient, "450 4.3.0")]
    public async Task A_refused_RCPT_gives_each_recipient_the_peers_reply(string domain, RecipientOutcome outcome, string reply)
    {
        var results = await DeliverAsync(Envelope(domain, "a@" + domain, "b@" + domain), "rcpt-" + domain);

        Assert.Equal(2, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(outcome, r.Outcome);
            Assert.StartsWith(reply, r.Reply, StringComparison.Ordinal);
            Assert.StartsWith("mx." + domain + " [", r.RemoteHost, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_refusal_after_DATA_applies_to_every_accepted_recipient()
    {
        var results = await DeliverAsync(Envelope("data.test", "a@data.test", "b@data.test"), "refused-data");

        Assert.All(results, r =>
        {
            Assert.Equal(RecipientOutcome.Permanent, r.Outcome);
            Assert.StartsWith("500 5.3.0", r.Reply, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("greeting.test")] // the preferred host answers the connection with 4xx
    [InlineData("drop.test")] // the preferred host hangs up at MAIL
    public async Task When_the_preferred_host_fails_the_next_one_takes_the_mail(string domain)
    {
        var result = Assert.Single(await DeliverAsync(Envelope(domain, "x@" + domain), "fallback-" + domain));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.Equal("mx.ok.test [127.0.9.1]", result.RemoteHost);
        await peers.Ok.WaitForMessageAsync("Subject: fallback-" + domain, Patience);
    }

    [Fact]
    public async Task REQUIRETLS_mail_is_returned_when_no_host_offers_TLS()
    {
        var result = Assert.Single(await DeliverAsync(Envelope("ok.test", "x@ok.test") with { RequireTls = true }, "requiretls-plain"));

        Assert.Equal(RecipientOutcome.Permanent, result.Outcome);
        Assert.StartsWith("550 5.7.30", result.Reply, StringComparison.Ordinal);
        await Task.Delay(200);
        Assert.DoesNotContain(peers.Ok.Messages(), m => m.Content.Contains("Subject: requiretls-plain", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("broken.test", RecipientOutcome.Transient, "451 4.4.3")]
    [InlineData("nowhere.test", RecipientOutcome.Permanent, "550 5.1.2")]
    [InlineData("nullmx.test", RecipientOutcome.Permanent, "556 5.1.10")]
    public async Task DNS_answers_decide_without_a_connection(string domain, RecipientOutcome outcome, string reply)
    {
        // broken.test's forwarder never answers: that lookup has to time out.
        var transport = Transport(quickDnsTimeout: domain == "broken.test");

        var result = Assert.Single(await DeliverAsync(Envelope(domain, "x@" + domain), "dns-" + domain, transport));

        Assert.Equal(outcome, result.Outcome);
        Assert.StartsWith(reply, result.Reply, StringComparison.Ordinal);
        Assert.Null(result.RemoteHost);
    }

    [Fact]
    public async Task Connections_to_one_destination_are_limited()
    {
        // The slow sink waits 1 s before answering DATA: three deliveries one at a time take at least 3 s.
        var transport = Transport(o => o.MaxConnectionsPerDestination = 1);
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => DeliverAsync(Envelope("slow.test", $"x{i}@slow.test"), $"slow-{i}", transport)));
        clock.Stop();

        Assert.All(results, r => Assert.Equal(RecipientOutcome.Delivered, Assert.Single(r).Outcome));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2.9), $"three sessions overlapped: {clock.Elapsed}");
    }

    [Fact]
    public async Task A_delivery_that_waits_too_long_for_a_busy_destination_is_deferred_instead()
    {
        // One connection to busy.test's host, and the first delivery holds it until the test lets the peer answer the
        // final dot (a peer that answers after a fixed delay may answer before the second delivery asks, on a loaded
        // machine): the second delivery may wait 200 ms for it.
        using var listener = new TcpListener(IPAddress.Parse(SinkPeers.HoldingAddress), peers.Port);
        listener.Start();
        var holding = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(() => ScriptedSmtpPeer.ServeAsync(listener, "mx.busy.test", beforeQueued: async message =>
        {
            holding.SetResult(message);
            await release.Task;
        }));
        await using var transport = Transport(o => { o.MaxConnectionsPerDestination = 1; o.DestinationWaitTimeout = TimeSpan.FromMilliseconds(200); });
        var first = DeliverAsync(Envelope("busy.test", "busy1@busy.test"), "busy-1", transport);
        string held = await holding.Task.WaitAsync(Patience);

        RecipientResult second;
        try
        {
            second = Assert.Single(await DeliverAsync(Envelope("busy.test", "busy2@busy.test"), "busy-2", transport));
        }
        finally
        {
            release.SetResult();
        }

        Assert.Equal(RecipientOutcome.Transient, second.Outcome);
        Assert.Equal("451 4.4.5 mx.busy.test [127.0.9.12]: all 1 connections to this host are busy", second.Reply);
        Assert.Equal(RecipientOutcome.Delivered, Assert.Single(await first.WaitAsync(Patience)).Outcome);
        Assert.Contains("Subject: busy-1", held, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_longer_than_AttemptTimeout_is_dropped_and_the_recipient_deferred()
    {
        var transport = Transport(o => o.AttemptTimeout = TimeSpan.FromMilliseconds(400));
        var clock = Stopwatch.StartNew();

        // The slower sink waits 60 s before its DATA reply.
        var result = Assert.Single(await DeliverAsync(Envelope("slower.test", "late@slower.test"), "too-slow", transport));

        // The reply names the cause; the bound only shows that the session did not run its course.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the session ran {clock.Elapsed}");
        Assert.Equal(RecipientOutcome.Transient, result.Outcome);
        Assert.Equal("451 4.4.2 mx.slower.test [127.0.9.10]: the session took longer than 00:00:00.4000000", result.Reply);
    }

    [Fact]
    public async Task A_slow_first_host_leaves_the_next_one_to_take_the_mail_within_the_delivery_timeout()
    {
        // The control for the test below: the first MX host's session (the slower sink, 60 s before its DATA reply) times
        // out, the second takes the mail. AttemptTimeout bounds the second host's whole session as well, so it is not short.
        var transport = Transport(o => o.AttemptTimeout = TimeSpan.FromSeconds(5));

        var result = Assert.Single(await DeliverAsync(Envelope("slowfirst.test", "second@slowfirst.test"), "second-host", transport));

        Assert.Equal(RecipientOutcome.Delivered, result.Outcome);
        Assert.Equal("mx.ok.test [127.0.9.1]", result.RemoteHost);
    }

    [Fact]
    public async Task At_the_delivery_timeout_the_running_session_is_dropped_and_no_further_host_is_tried()
    {
        // However many hosts a domain lists, one delivery ends at DeliveryTimeout: the slow first host (60 s before its
        // DATA reply) is cut off at 5 s (its own AttemptTimeout is far away), the second is left for the next scheduled
        // attempt. The MX lookup and the connection to the first host count against the 5 s too, so it is not short.
        var transport = Transport(o => o.DeliveryTimeout = TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();

        var result = Assert.Single(await DeliverAsync(Envelope("slowfirst.test", "cut@slowfirst.test"), "cut-at-deadline", transport));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the delivery ran {clock.Elapsed}"); // the reply names the cause
        Assert.Equal(RecipientOutcome.Transient, result.Outcome);
        Assert.Equal(
            "451 4.4.2 delivery to slowfirst.test took longer than 00:00:05 " +
            "(451 4.4.2 mx.slower.test [127.0.9.10]: the session was dropped when the delivery reached 00:00:05)", result.Reply);
        await Task.Delay(200);
        Assert.DoesNotContain(peers.Ok.Messages(), m => m.Content.Contains("cut-at-deadline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_address_that_refused_a_connection_is_passed_over_until_its_hold_ends()
    {
        // A hold far longer than the test: the deliveries after the refusal come within it, however late.
        var holding = Transport(o => o.UnreachableHostHoldTime = TimeSpan.FromMinutes(10));
        var first = Assert.Single(await DeliverAsync(Envelope("dead.test", "a@dead.test"), "dead-1", holding));
        var second = Assert.Single(await DeliverAsync(Envelope("dead.test", "b@dead.test"), "dead-2", holding));
        // Another domain with the same MX host: the held address is skipped, its second MX host takes the mail.
        var fallback = Assert.Single(await DeliverAsync(Envelope("deadfirst.test", "c@deadfirst.test"), "dead-3", holding));
        // A short hold, waited out in full (a late timer only makes the wait longer): then the address is tried again.
        var expiring = Transport(o => o.UnreachableHostHoldTime = TimeSpan.FromSeconds(1));
        var refused = Assert.Single(await DeliverAsync(Envelope("dead.test", "d@dead.test"), "dead-4", expiring));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var afterHold = Assert.Single(await DeliverAsync(Envelope("dead.test", "e@dead.test"), "dead-5", expiring));

        Assert.Equal(RecipientOutcome.Transient, first.Outcome);
        Assert.StartsWith("451 4.4.1 mx.dead.test [127.0.9.11]: SocketException: ", first.Reply, StringComparison.Ordinal);
        Assert.Equal(RecipientOutcome.Transient, second.Outcome);
        Assert.Matches(@"^451 4\.4\.1 mx\.dead\.test \[127\.0\.9\.11\]: not tried, no connection \d+ s ago \(ConnectionRefused\)$", second.Reply);
        Assert.Equal((RecipientOutcome.Delivered, "mx.ok.test [127.0.9.1]"), (fallback.Outcome, fallback.RemoteHost));
        Assert.StartsWith("451 4.4.1 mx.dead.test [127.0.9.11]: SocketException: ", refused.Reply, StringComparison.Ordinal);
        Assert.StartsWith("451 4.4.1 mx.dead.test [127.0.9.11]: SocketException: ", afterHold.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_hold_every_delivery_tries_the_address_again()
    {
        var transport = Transport(o => o.UnreachableHostHoldTime = TimeSpan.Zero);

        await DeliverAsync(Envelope("dead.test", "a@dead.test"), "nohold-1", transport);
        var second = Assert.Single(await DeliverAsync(Envelope("dead.test", "b@dead.test"), "nohold-2", transport));

        Assert.StartsWith("451 4.4.1 mx.dead.test [127.0.9.11]: SocketException: ", second.Reply, StringComparison.Ordinal);
    }
}

/// <summary>dnsmasq and one smtp-sink per behaviour, each on its own 127.0.9.x address and the same port (MxPort).</summary>
public sealed class SinkPeers : IAsyncLifetime
{
    /// <summary>busy.test's MX address, where a test listens itself.</summary>
    public const string HoldingAddress = "127.0.9.12";

    private readonly List<SmtpSinkProcess> _sinks = [];

    public DnsmasqProcess Dns { get; private set; } = null!;

    public int Port { get; private set; }

    /// <summary>Accepts everything; offers no 8BITMIME.</summary>
    public SmtpSinkProcess Ok { get; private set; } = null!;

    /// <summary>Accepts everything; offers 8BITMIME.</summary>
    public SmtpSinkProcess EightBit { get; private set; } = null!;

    /// <summary>Accepts everything; offers no DSN.</summary>
    public SmtpSinkProcess NoDsn { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Port = SmtpSinkProcess.FreePort("127.0.9.1");
        Ok = await Sink("127.0.9.1", "-8");
        await Sink("127.0.9.2", "-f", "RCPT");
        await Sink("127.0.9.3", "-r", "RCPT");
        await Sink("127.0.9.4", "-f", ".");
        await Sink("127.0.9.5", "-r", "CONNECT");
        await Sink("127.0.9.6", "-q", "MAIL");
        NoDsn = await Sink("127.0.9.7", "-N");
        await Sink("127.0.9.8", "-w", "1");
        // Far longer than the timeouts that cut its sessions short, which never wait that long.
        await Sink("127.0.9.10", "-w", "60");
        EightBit = await Sink("127.0.9.9");
        Dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Mx("ok.test", "mx.ok.test"), DnsmasqProcess.Host("mx.ok.test", "127.0.9.1"),
            DnsmasqProcess.Host("implicit.test", "127.0.9.1"),
            DnsmasqProcess.Mx("hard.test", "mx.hard.test"), DnsmasqProcess.Host("mx.hard.test", "127.0.9.2"),
            DnsmasqProcess.Mx("soft.test", "mx.soft.test"), DnsmasqProcess.Host("mx.soft.test", "127.0.9.3"),
            DnsmasqProcess.Mx("data.test", "mx.data.test"), DnsmasqProcess.Host("mx.data.test", "127.0.9.4"),
            DnsmasqProcess.Mx("greeting.test", "mx.greeting.test", 10), DnsmasqProcess.Host("mx.greeting.test", "127.0.9.5"),
            DnsmasqProcess.Mx("greeting.test", "mx.ok.test", 20),
            DnsmasqProcess.Mx("drop.test", "mx.drop.test", 10), DnsmasqProcess.Host("mx.drop.test", "127.0.9.6"),
            DnsmasqProcess.Mx("drop.test", "mx.ok.test", 20),
            DnsmasqProcess.Mx("nodsn.test", "mx.nodsn.test"), DnsmasqProcess.Host("mx.nodsn.test", "127.0.9.7"),
            DnsmasqProcess.Mx("slow.test", "mx.slow.test"), DnsmasqProcess.Host("mx.slow.test", "127.0.9.8"),
            DnsmasqProcess.Mx("slower.test", "mx.slower.test"), DnsmasqProcess.Host("mx.slower.test", "127.0.9.10"),
            DnsmasqProcess.Mx("slowfirst.test", "mx.slower.test", 10), DnsmasqProcess.Mx("slowfirst.test", "mx.ok.test", 20),
            DnsmasqProcess.Mx("busy.test", "mx.busy.test"), DnsmasqProcess.Host("mx.busy.test", HoldingAddress),
            // Nothing listens on 127.0.9.11: connections are refused.
            DnsmasqProcess.Mx("dead.test", "mx.dead.test"), DnsmasqProcess.Host("mx.dead.test", "127.0.9.11"),
            DnsmasqProcess.Mx("deadfirst.test", "mx.dead.test", 10), DnsmasqProcess.Mx("deadfirst.test", "mx.ok.test", 20),
            DnsmasqProcess.Mx("eight.test", "mx.eight.test"), DnsmasqProcess.Host("mx.eight.test", "127.0.9.9"),
            DnsmasqProcess.NullMx("nullmx.test"),
            DnsmasqProcess.Failing("broken.test"));
    }

    private async Task<SmtpSinkProcess> Sink(string address, params string[] options)
    {
        var sink = await SmtpSinkProcess.StartAsync(address, Port, options);
        _sinks.Add(sink);
        return sink;
    }

    public async Task DisposeAsync()
    {
        foreach (var sink in _sinks) await sink.DisposeAsync();
        if (Dns is not null) await Dns.DisposeAsync();
    }
}
