using System.Net;
using System.Text;
using CloudMail.Core.Delivery;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery.Sessions;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Tests.Sessions;

/// <summary>
/// Connection reuse towards a real smtp-sink, counted by a TCP relay in front of it: mail to one destination shares a
/// connection; a connection that died while idle is replaced and the message still arrives, exactly once; idle
/// connections are closed after the idle timeout and when the transport is disposed.
/// </summary>
public sealed class SessionReuseTests(ReusePeers peers) : IClassFixture<ReusePeers>
{
    /// <summary>How long a test waits for what must happen; passing tests never wait that long.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private SmtpOutboundTransport Transport(CountingTcpProxy proxy, Action<DeliveryOptions>? configure = null, ITlsSessionRecorder? recorder = null)
    {
        var options = new DeliveryOptions
        {
            HeloName = "mail.a.test", MxPort = proxy.Port, ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(20),
            // An idle connection stays for the whole test unless a test shortens this: whether the next message finds it
            // must not depend on how soon that message comes.
            ConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        configure?.Invoke(options);
        // The default DNS patience (5 s, 2 retries): dnsmasq shares two cores with the rest of the suite.
        var resolver = new MxResolver(DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [peers.Dns.Endpoint] }));
        return new SmtpOutboundTransport(resolver, Options.Create(options), NullLogger<SmtpOutboundTransport>.Instance) { TlsReports = recorder };
    }

    private CountingTcpProxy Proxy() => CountingTcpProxy.Start(ReusePeers.ProxyAddress, new IPEndPoint(IPAddress.Parse(peers.Sink.Address), peers.Sink.Port));

    private static async Task<RecipientResult> SendAsync(SmtpOutboundTransport transport, string domain, string subject)
    {
        var envelope = new OutboundEnvelope(domain, "alice@a.test", [new OutboundRecipient("bob@" + domain)]);
        byte[] message = Encoding.ASCII.GetBytes($"From: alice@a.test\r\nTo: bob@{domain}\r\nSubject: {subject}\r\n\r\nBody of {subject}.\r\n");
        return Assert.Single(await transport.DeliverAsync(envelope, _ => Task.FromResult<Stream>(new MemoryStream(message)), CancellationToken.None));
    }

    private async Task<int> CopiesAtSinkAsync(string subject)
    {
        await peers.Sink.WaitForMessageAsync("Subject: " + subject + "\n", Patience);
        await Task.Delay(200); // a second copy, if any, would arrive right behind the first
        return peers.Sink.Messages().Count(m => m.Content.Contains("Subject: " + subject + "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_messages_to_one_destination_travel_over_one_connection()
    {
        await using var proxy = Proxy();
        await using var transport = Transport(proxy);

        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "reuse-1")).Outcome);
        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "reuse-2")).Outcome);

        Assert.Equal(1, await CopiesAtSinkAsync("reuse-1"));
        Assert.Equal(1, await CopiesAtSinkAsync("reuse-2"));
        Assert.Equal(1, proxy.Connections);
    }

    [Fact]
    public async Task Each_attempt_is_a_span_naming_the_host_its_address_and_the_result()
    {
        await using var proxy = Proxy();
        await using var transport = Transport(proxy);
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == Core.Telemetry.CloudMailTelemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "span-1")).Outcome);

        // Other tests of this process may trace too: ours is the one to this test's proxy port.
        var attempt = Assert.Single(spans, a => a.OperationName == "smtp.attempt" && Equals(a.GetTagItem("server.port"), proxy.Port));
        Assert.Equal("mx.reuse.test", attempt.GetTagItem("server.address"));
        Assert.Equal(ReusePeers.ProxyAddress, attempt.GetTagItem("network.peer.address"));
        Assert.Equal("delivered", attempt.GetTagItem("cloudmail.attempt.result"));
        Assert.Equal(System.Diagnostics.ActivityKind.Client, attempt.Kind);
    }

    [Fact]
    public async Task A_reused_connection_is_one_TLS_session_in_the_TLS_reports()
    {
        // RFC 8460 §4.4 counts sessions (connections), not messages.
        await using var proxy = Proxy();
        var recorder = new RecordedSessions();
        await using var transport = Transport(proxy, recorder: recorder);

        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "tlsrpt-1")).Outcome);
        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "tlsrpt-2")).Outcome);

        var session = Assert.Single(recorder.Sessions);
        Assert.Equal("starttls-not-supported", session.Failure?.ResultType);
    }

    [Fact]
    public async Task With_one_message_per_connection_every_message_opens_and_quits_its_own()
    {
        await using var proxy = Proxy();
        await using var transport = Transport(proxy, o => o.MaxMessagesPerConnection = 1);

        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "single-1")).Outcome);
        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "single-2")).Outcome);

        Assert.Equal(2, proxy.Connections);
        await proxy.WaitUntilClosedAsync(Patience);
    }

    [Fact]
    public async Task A_connection_cut_while_idle_is_discarded_and_the_next_message_still_arrives_once()
    {
        await using var proxy = Proxy();
        await using var transport = Transport(proxy);
        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "cut-1")).Outcome);

        proxy.DropAll();
        await Task.Delay(100);
        var second = await SendAsync(transport, "reuse.test", "cut-2");

        Assert.Equal(RecipientOutcome.Delivered, second.Outcome);
        Assert.Equal(1, await CopiesAtSinkAsync("cut-2"));
        Assert.Equal(2, proxy.Connections);
    }

    [Fact]
    public async Task A_smart_host_connection_that_died_unnoticed_is_replaced_and_the_message_arrives_once()
    {
        // A smart host is connected by name, so the pool cannot look at the socket: the dead connection shows only when
        // MAIL gets no answer, and the message goes over a new one.
        await using var proxy = Proxy();
        await using var transport = Transport(proxy, o => o.Domains["relay.test"] = new DomainRouteOptions
        {
            SmartHost = new SmartHostOptions { Host = ReusePeers.ProxyAddress, Port = proxy.Port, Tls = SmartHostTls.None },
        });
        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "relay.test", "relay-1")).Outcome);

        proxy.DropAll();
        await Task.Delay(100);
        var second = await SendAsync(transport, "relay.test", "relay-2");

        Assert.Equal(RecipientOutcome.Delivered, second.Outcome);
        Assert.Equal(1, await CopiesAtSinkAsync("relay-2"));
        Assert.Equal(2, proxy.Connections);
    }

    [Fact]
    public async Task An_idle_connection_gets_QUIT_after_the_idle_timeout()
    {
        await using var proxy = Proxy();
        await using var transport = Transport(proxy, o => o.ConnectionIdleTimeout = TimeSpan.FromMilliseconds(300));
        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "idle-1")).Outcome);
        // One connection, not "still open": on a loaded machine its 300 ms may be over already (that a connection is kept
        // for the next message, the tests above show). The transport is not disposed, so only the idle timeout closes it.
        Assert.Equal(1, proxy.Connections);

        await proxy.WaitUntilClosedAsync(Patience);
        Assert.Equal(0, transport.Sessions.IdleCount);
        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "idle-2")).Outcome);
        Assert.Equal(2, proxy.Connections);
    }

    [Fact]
    public async Task Disposing_the_transport_closes_its_idle_connections()
    {
        await using var proxy = Proxy();
        var transport = Transport(proxy);
        Assert.Equal(RecipientOutcome.Delivered, (await SendAsync(transport, "reuse.test", "dispose-1")).Outcome);
        Assert.Equal(1, proxy.Open);

        await transport.DisposeAsync();

        await proxy.WaitUntilClosedAsync(Patience);
    }

    [Fact]
    public async Task A_connection_is_only_reused_for_the_same_host_port_TLS_policy_and_credentials()
    {
        await using var pool = new SmtpSessionPool(maxMessagesPerSession: 100, idleTimeout: TimeSpan.FromSeconds(30));
        var address = IPAddress.Parse(peers.Sink.Address);
        var plain = new SmtpSessionKey("mx.reuse.test", address, peers.Sink.Port, SecureSocketOptions.StartTlsWhenAvailable, SessionVerification.None, null);
        using (var first = pool.Rent(plain, () => new SmtpClient()))
        {
            Assert.False(first.IsReused);
            await first.Client.ConnectAsync(peers.Sink.Address, peers.Sink.Port, SecureSocketOptions.None);
            first.Return();
        }

        using (var verified = pool.Rent(plain with { Verification = SessionVerification.Verified }, () => new SmtpClient()))
            Assert.False(verified.IsReused);
        using (var relayed = pool.Rent(plain with { Relay = new SmartHostOptions { Host = "mx.reuse.test" } }, () => new SmtpClient()))
            Assert.False(relayed.IsReused);
        using (var otherPort = pool.Rent(plain with { Port = plain.Port + 1 }, () => new SmtpClient()))
            Assert.False(otherPort.IsReused);
        using var same = pool.Rent(plain with { Host = "MX.Reuse.Test" }, () => new SmtpClient());
        Assert.True(same.IsReused);
        Assert.True(same.Client.IsConnected);
    }
}

/// <summary>The TLS sessions the transport reported.</summary>
internal sealed class RecordedSessions : ITlsSessionRecorder
{
    public List<TlsSessionResult> Sessions { get; } = [];

    public Task RecordAsync(TlsSessionResult session, CancellationToken cancellationToken)
    {
        lock (Sessions) Sessions.Add(session);
        return Task.CompletedTask;
    }
}

/// <summary>dnsmasq (reuse.test's MX is mx.reuse.test at <see cref="ProxyAddress"/>) and one smtp-sink behind the tests' relays.</summary>
public sealed class ReusePeers : IAsyncLifetime
{
    /// <summary>Where each test's <see cref="CountingTcpProxy"/> listens (the MX address in DNS).</summary>
    public const string ProxyAddress = "127.0.0.40";

    private const string SinkAddress = "127.0.0.41";

    public DnsmasqProcess Dns { get; private set; } = null!;

    public SmtpSinkProcess Sink { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sink = await SmtpSinkProcess.StartAsync(SinkAddress, SmtpSinkProcess.FreePort(SinkAddress));
        Dns = await DnsmasqProcess.StartAsync(DnsmasqProcess.Mx("reuse.test", "mx.reuse.test"), DnsmasqProcess.Host("mx.reuse.test", ProxyAddress));
    }

    public async Task DisposeAsync()
    {
        if (Sink is not null) await Sink.DisposeAsync();
        if (Dns is not null) await Dns.DisposeAsync();
    }
}
