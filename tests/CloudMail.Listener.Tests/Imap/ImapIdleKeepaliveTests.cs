using System.Diagnostics;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// A quiet IDLE gets <c>* OK Still here</c> every <c>CloudMail:Imap:IdleKeepaliveInterval</c> (2 minutes by default, as
/// Dovecot), so that a NAT gateway or load balancer with an idle timeout of a few minutes does not drop it.
/// </summary>
public sealed class ImapIdleKeepaliveTests
{
    [Fact]
    public async Task A_quiet_idle_hears_still_here_at_each_interval_and_ends_on_DONE()
    {
        var (server, c) = await IdlingAsync(keepalive: "00:00:00.500", poll: "00:00:10");
        await using var _s = server;
        await using var _c = c;

        var clock = Stopwatch.StartNew();
        Assert.Equal("* OK Still here", await c.ReadLineAsync());
        Assert.Equal("* OK Still here", await c.ReadLineAsync());
        Assert.Equal("* OK Still here", await c.ReadLineAsync());
        // Three intervals, not sooner (each waits its interval), well before the 10 s poll interval.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.3), TimeSpan.FromSeconds(9));

        await c.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await c.ReadLineAsync());
    }

    [Fact]
    public async Task With_the_interval_zero_a_quiet_idle_hears_nothing()
    {
        var (server, c) = await IdlingAsync(keepalive: "00:00:00", poll: "00:00:00.300");
        await using var _s = server;
        await using var _c = c;
        await Task.Delay(1500); // several poll intervals
        await c.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await c.ReadLineAsync());
    }

    /// <summary>A server with these intervals and a client of it in IDLE on INBOX, "+ idling" read.</summary>
    private static async Task<(TestServer Server, RawImapClient Client)> IdlingAsync(string keepalive, string poll)
    {
        var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Imap:IdleKeepaliveInterval"] = keepalive,
            ["CloudMail:Imap:PollInterval"] = poll,
        });
        const string user = "idler@" + TestServer.Domain;
        await server.AddUserAsync(user, ImapServerFixture.Password);
        var c = await RawImapClient.LoginAsync(server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        await c.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await c.ReadLineAsync());
        return (server, c);
    }
}
