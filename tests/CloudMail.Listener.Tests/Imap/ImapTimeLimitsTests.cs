using System.Diagnostics;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>Stalls: the whole-command deadline across literals and the APPEND data deadline (the write timeout is in <see cref="Network.WriteTimeoutTests"/>).</summary>
public sealed class ImapTimeLimitsTests
{
    private const string Autologout = "* BYE Autologout; idle for too long";
    private const string Continuation = "+ Ready for literal";

    [Fact]
    public async Task A_command_sent_literal_by_literal_is_cut_off_at_its_deadline_with_bye()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Imap:UnauthenticatedTimeout"] = "00:00:02" });
        await using var c = await RawImapClient.ConnectAsync(server, implicitTls: false);
        await c.ReadLineAsync();
        var clock = Stopwatch.StartNew();
        // One ID command in nine pieces 600 ms apart: each "+" continuation comes quickly, the command does not.
        var line = c.ReadLineAsync();
        await c.SendAsync("a ID (\"k0\" {1}\r\n");
        for (int i = 1; i <= 8; i++)
        {
            if (await line != Continuation) break;
            line = c.ReadLineAsync();
            if (await Task.WhenAny(line, Task.Delay(600)) == line) break; // the server spoke first
            await c.SendAsync(i < 8 ? $"v \"k{i}\" {{1}}\r\n" : "v)\r\n");
        }
        Assert.Equal(Autologout, await line);
        // The autologout in place of the command's answer shows the command was cut; room for a loaded machine.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task An_append_literal_sent_one_byte_at_a_time_is_cut_off_by_its_data_deadline()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Imap:IdleTimeout"] = "00:00:02" });
        string user = "slow@" + TestServer.Domain;
        await server.AddUserAsync(user, ImapServerFixture.Password);
        await using var c = await RawImapClient.LoginAsync(server, user, ImapServerFixture.Password);
        await c.SendAsync("a APPEND INBOX {100}\r\n");
        Assert.Equal(Continuation, await c.ReadLineAsync());
        var clock = Stopwatch.StartNew();
        // One octet every 400 ms: each read makes progress well within the timeout, the literal does not.
        var line = c.ReadLineAsync();
        for (int i = 0; i < 25 && await Task.WhenAny(line, Task.Delay(400)) != line; i++) await c.SendAsync("x");
        Assert.True(line.IsCompleted, "the literal was never cut off");
        Assert.Equal(Autologout, await line);
        // The 2 s deadline, with room for a loaded machine; the trickle alone would last 10 s.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
        Assert.Empty(await Smtp.SmtpServerFixture.InboxAsync(server, user));
    }
}
