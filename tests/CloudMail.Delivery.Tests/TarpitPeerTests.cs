using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudMail.Core.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Tests;

/// <summary>
/// Peers that hold a delivery without ever failing it: they go silent at connect (no greeting), at EHLO, at MAIL or after
/// the final dot. <see cref="DeliveryOptions.AttemptTimeout"/> must end such a session on time, whichever reply it waits
/// for. The peer is a socket of the test on loopback (a smart host), since no real server behaves this way on purpose.
/// </summary>
public sealed class TarpitPeerTests
{
    private static SmtpOutboundTransport Transport(int port) => new(
        new MxResolver(DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = ["127.0.0.1:9"] })),
        Options.Create(new DeliveryOptions
        {
            // Both far longer than AttemptTimeout, which must be the one to end the session (ConnectTimeout covers the greeting).
            HeloName = "mail.a.test", ConnectTimeout = TimeSpan.FromSeconds(30), CommandTimeout = TimeSpan.FromSeconds(30),
            // Long enough to reach the stall on a loaded machine, for "." the whole session (at 500 ms a run once gave up
            // before MAIL, and 1.5 s is within what the suite's two shared cores are sometimes late). The peer never answers.
            AttemptTimeout = TimeSpan.FromSeconds(5),
            SmartHost = new SmartHostOptions { Host = "127.0.0.1", Port = port, Tls = SmartHostTls.None },
        }),
        NullLogger<SmtpOutboundTransport>.Instance);

    private static Func<CancellationToken, Task<Stream>> Message() => _ =>
        Task.FromResult<Stream>(new MemoryStream(Encoding.ASCII.GetBytes("From: alice@a.test\r\nTo: bob@b.test\r\nSubject: tarpit\r\n\r\nHello.\r\n")));

    [Theory]
    [InlineData("CONNECT")] // accepts the connection and never greets
    [InlineData("EHLO")] // greets, then never answers EHLO
    [InlineData("MAIL")] // answers EHLO, then never MAIL
    [InlineData(".")] // takes the message, then never answers the final dot
    public async Task A_peer_that_stops_answering_is_given_up_at_the_attempt_timeout(string stallAt)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var peer = Task.Run(() => ScriptedSmtpPeer.ServeAsync(listener, "tarpit.test", stallAt, stop: stop.Token));
        await using var transport = Transport(port);
        var clock = Stopwatch.StartNew();

        var result = Assert.Single(await transport.DeliverAsync(
            new OutboundEnvelope("b.test", "alice@a.test", [new OutboundRecipient("bob@b.test")]), Message(), CancellationToken.None));

        clock.Stop();
        Assert.Equal(stallAt, await peer.WaitAsync(TimeSpan.FromSeconds(30))); // the peer did stall there
        stop.Cancel();
        Assert.Equal(RecipientOutcome.Transient, result.Outcome);
        Assert.StartsWith("451 4.4.2", result.Reply, StringComparison.Ordinal);
        // The reply names the cause; the bound shows that the session ended on time, not at a reply's CommandTimeout.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the attempt ran {clock.Elapsed}");
    }
}
