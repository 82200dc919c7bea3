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
        // Started before connecting: the command's clock starts when the server has sent its greeting, never earlier.
        var clock = Stopwatch.StartNew();
        await using var c = await RawImapClient.ConnectAsync(server, implicitTls: false);
        await c.ReadLineAsync();
        // One ID command in 60 pieces 600 ms apart: each "+" continuation comes quickly, the command would take 35 s.
        const int pieces = 60;
        var line = c.ReadLineAsync();
        await c.SendAsync("a ID (\"k0\" {1}\r\n");
        for (int i = 1; i < pieces; i++)
        {
            if (await line != Continuation) break;
            line = c.ReadLineAsync();
            if (await Task.WhenAny(line, Task.Delay(600)) == line) break; // the server spoke first
            await c.SendAsync(i < pieces - 1 ? $"v \"k{i}\" {{1}}\r\n" : "v)\r\n");
        }
        Assert.Equal(Autologout, await line);
        // The autologout in place of the command's answer shows the command was cut; the upper bound, with room for a
        // loaded machine, rules out a clock that each piece restarts.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30));
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task An_append_literal_sent_one_byte_at_a_time_is_cut_off_by_its_data_deadline()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Imap:IdleTimeout"] = "00:00:02" });
        string user = "slow@" + TestServer.Domain;
        await server.AddUserAsync(user, ImapServerFixture.Password);
        await using var c = await RawImapClient.ConnectAsync(server, implicitTls: true);
        await c.ReadLineAsync();
        // APPEND sent with LOGIN: the 2 s command timeout cannot run out between LOGIN's OK and APPEND. The stopwatch starts
        // before both: the literal's clock starts when the server has sent "+", never earlier.
        var clock = Stopwatch.StartNew();
        await c.SendAsync($"L LOGIN \"{user}\" \"{ImapServerFixture.Password}\"\r\na APPEND INBOX {{100}}\r\n");
        Assert.StartsWith("L OK", (await c.ReadUntilTaggedAsync("L"))[^1]);
        Assert.Equal(Continuation, await c.ReadLineAsync());
        // One octet every 400 ms: each read makes progress well within the timeout, the literal would take 40 s.
        var line = c.ReadLineAsync();
        for (int i = 0; i < 100 && await Task.WhenAny(line, Task.Delay(400)) != line; i++) await c.SendAsync("x");
        Assert.True(line.IsCompleted, "the literal was never cut off");
        Assert.Equal(Autologout, await line);
        // The 2 s deadline; the upper bound, with room for a loaded machine, rules out a clock that each octet restarts.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30));
        Assert.Empty(await Smtp.SmtpServerFixture.InboxAsync(server, user));
    }
}
