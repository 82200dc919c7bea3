using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// The authentication checks when DNS never answers (a resolver that stopped, or a sender's name servers that swallow
/// queries): the running embedded server's resolver is a bound UDP socket that reads nothing and replies nothing. Each
/// query would wait the resolver timeout three times (5 s, two retries); the checks stop waiting at
/// <c>CloudMail:Filtering:CheckTimeout</c> (2 s here) and the message is accepted with temperror results, rather than
/// held until <c>CloudMail:Smtp:CommitTimeout</c> (20 s here) ends it with 451.
/// </summary>
public sealed class UnansweredDnsTests : IAsyncLifetime
{
    private const string Bob = "bob@" + TestServer.Domain;
    private const string BobPassword = "bob-password-1";

    private readonly UdpClient _silentResolver = new(new IPEndPoint(IPAddress.Loopback, 0));
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Dns:Servers:0"] = _silentResolver.Client.LocalEndPoint!.ToString(),
            ["CloudMail:Filtering:Enabled"] = "true",
            ["CloudMail:Filtering:AuthServId"] = "mx.receiver.test",
            ["CloudMail:Filtering:CheckTimeout"] = "00:00:02",
            ["CloudMail:Smtp:CommitTimeout"] = "00:00:20",
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
        });
        await _server.AddUserAsync(Bob, BobPassword);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _silentResolver.Dispose();
    }

    [Fact]
    public async Task A_signed_message_is_accepted_when_the_checks_time_limit_ends_and_carries_temperror_results()
    {
        var message = TestSigning.NewMessage();
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse(Bob));
        TestSigning.Sign(message);
        var clock = Stopwatch.StartNew();
        string reply;
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
            reply = await smtp.SendAsync(message); // throws on anything but 250
            Assert.StartsWith("2.0.0", reply);
            await smtp.DisconnectAsync(true);
        }
        // SPF, the DKIM key and DMARC each wait on the silent resolver; the 2 s limit covers them all together.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));

        var delivered = Assert.Single(await MailboxPoller.WaitForAsync(_server, Bob, BobPassword, "INBOX", 1));
        string header = Assert.Single(delivered.Headers, h => h.Field == "Authentication-Results").Value;
        Assert.Contains("spf=temperror", header);
        Assert.Contains("dkim=temperror", header);
        Assert.Contains("header.d=sender.test", header);
        Assert.Contains("dmarc=temperror", header);
        // The verdict in the delivery log (cloudmail trace) says why.
        string id = reply[(reply.LastIndexOf(' ') + 1)..];
        Assert.Contains("spf=temperror dkim=temperror dmarc=temperror arc=none (DNS unanswered after 2 s)",
            (await DeliveryLogPoller.SingleAsync(_server, id)).LastReply, StringComparison.Ordinal);
    }
}
