using System.Diagnostics;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// The authentication checks when DNS never answers (a resolver that stopped, or a sender's name servers that swallow
/// queries): the running embedded server's resolver is a bound UDP socket that reads nothing and replies nothing. The
/// checks stop waiting at <c>CloudMail:Filtering:CheckTimeout</c> (2 s here) and the message is accepted with temperror
/// results, rather than held until <c>CloudMail:Smtp:CommitTimeout</c> ends it with 451. The resolver timeout and the
/// commit deadline are <see cref="SilentResolverServer.Never"/>, so nothing but the check limit can end the waits within
/// minutes: the delivery log names it, and the reply coming within <see cref="Bound"/> shows it ended them, however late
/// the loaded machine runs its timer.
/// </summary>
[Collection(DeadlineTimingCollection.Name)]
public sealed class UnansweredDnsTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private SilentResolverServer _silent = null!;

    public async Task InitializeAsync() =>
        _silent = await SilentResolverServer.StartAsync(checkTimeout: TimeSpan.FromSeconds(2), commitTimeout: SilentResolverServer.Never);

    public async Task DisposeAsync() => await _silent.DisposeAsync();

    [Fact]
    public async Task A_signed_message_is_accepted_when_the_checks_time_limit_ends_and_carries_temperror_results()
    {
        var message = SilentResolverServer.MessageToBob();
        TestSigning.Sign(message);
        var clock = Stopwatch.StartNew();
        string reply;
        using (var smtp = new SmtpClient { Timeout = (int)(Bound * 1.5).TotalMilliseconds }) // a late reply fails the bound below
        {
            await smtp.ConnectAsync("127.0.0.1", _silent.Server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
            reply = await smtp.SendAsync(message); // throws on anything but 250
            Assert.StartsWith("2.0.0", reply);
            await smtp.DisconnectAsync(true);
        }
        // SPF, the DKIM key and DMARC each wait on the silent resolver; the 2 s limit covers them all together.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), Bound);

        var delivered = Assert.Single(await MailboxPoller.WaitForAsync(_silent.Server, SilentResolverServer.Bob, SilentResolverServer.BobPassword, "INBOX", 1));
        string header = Assert.Single(delivered.Headers, h => h.Field == "Authentication-Results").Value;
        Assert.Contains("spf=temperror", header);
        Assert.Contains("dkim=temperror", header);
        Assert.Contains("header.d=sender.test", header);
        Assert.Contains("dmarc=temperror", header);
        // The verdict in the delivery log (cloudmail trace) says why.
        string id = reply[(reply.LastIndexOf(' ') + 1)..];
        Assert.Contains("spf=temperror dkim=temperror dmarc=temperror arc=none (DNS unanswered after 2 s)",
            (await DeliveryLogPoller.SingleAsync(_silent.Server, id)).LastReply, StringComparison.Ordinal);
    }
}
