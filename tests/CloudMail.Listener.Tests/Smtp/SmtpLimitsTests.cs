using System.Diagnostics;
using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// Stalls and command limits: the per-line, per-DATA-block and per-session deadlines, the junk-command limit
/// and the two command line limits (512 octets, 12288 for AUTH), over raw sockets. The write timeout is in
/// <see cref="Network.WriteTimeoutTests"/>.
/// </summary>
public class SmtpLimitsTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private const string TimeoutReply = "421 4.4.2 mail.example.test Timeout exceeded, closing transmission channel";

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task A_command_line_sent_one_byte_at_a_time_is_cut_off_at_the_line_deadline_with_421()
    {
        // 3 s: the same timeout runs between the greeting and EHLO, where it must not fire even if the test host stalls.
        var timeout = TimeSpan.FromSeconds(3);
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:CommandTimeout"] = timeout.ToString() });
        await using var client = await RawSmtpClient.ConnectAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(220, (await client.ReadReplyAsync()).Code);
        // Started before EHLO: the line's clock starts when the server has sent EHLO's reply, never earlier.
        var clock = Stopwatch.StartNew();
        Assert.Equal(250, (await client.CommandAsync("EHLO client.test")).Code);
        // 178 octets 250 ms apart: every octet arrives well within the timeout, the line would take 44 s.
        await using var dribbling = new Dribbler(client, "MAIL FROM:<" + new string('a', 150) + "@remote.test>\r\n", TimeSpan.FromMilliseconds(250));
        // The 421 in place of MAIL's reply shows the line was cut before it ended; with a clock that each octet restarts
        // the line would end, after 44 s, and be answered 250.
        Assert.Equal(TimeoutReply, (await client.ReadReplyAsync(TimeSpan.FromSeconds(30))).ToString());
        Assert.InRange(clock.Elapsed, timeout - TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30));
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Message_content_sent_one_byte_at_a_time_is_cut_off_by_the_data_deadline_with_421()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:DataTimeout"] = "00:00:02" });
        string recipient = await SmtpServerFixture.NewUserAsync(server);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        // Started before DATA: the block's clock starts as the server sends 354, never earlier.
        var clock = Stopwatch.StartNew();
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        // 217 octets 250 ms apart: each read makes progress well within the timeout, the content would take 54 s.
        await using var dribbling = new Dribbler(client, "Subject: slow\r\n\r\n" + new string('x', 200), TimeSpan.FromMilliseconds(250));
        Assert.Equal(TimeoutReply, (await client.ReadReplyAsync(TimeSpan.FromSeconds(30))).ToString());
        // The 2 s deadline; the upper bound, with room for a loaded machine, rules out a clock that each octet restarts
        // (it would cut only after the dribble's 54 s).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30));
        Assert.Empty(await SmtpServerFixture.InboxAsync(server, recipient));
    }

    [Fact]
    public async Task A_session_that_outlives_the_maximum_duration_gets_421_4_4_2()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:MaxSessionDuration"] = "00:00:02" });
        // Started before connecting: the session's clock starts when the server accepts, never earlier.
        var clock = Stopwatch.StartNew();
        await using var client = await RawSmtpClient.ConnectAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(220, (await client.ReadReplyAsync()).Code);
        string last;
        while (true)
        {
            // A busy client: each command is answered at once, so no command or idle timeout ever applies. Even the first
            // EHLO may be the one cut off if the test host stalls.
            var reply = await client.CommandAsync("EHLO busy.test");
            if (reply.Code != 250)
            {
                last = reply.ToString();
                break;
            }
            if (await client.TryReadLineAsync(TimeSpan.FromMilliseconds(200)) is { } unsolicited)
            {
                last = unsolicited;
                break;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the session was never cut off");
        }
        Assert.Equal("421 4.4.2 mail.example.test Session time limit exceeded, closing transmission channel", last);
        // The reply names the cause; the bounds show it was the 2 s limit, with room for a loaded machine.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_101st_noop_gets_421_and_the_connection_is_closed()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Server.Port(EndpointKind.Smtp));
        await client.ReadReplyAsync();
        await client.SendAsync(string.Concat(Enumerable.Repeat("NOOP\r\n", 101)));
        for (int i = 0; i < 100; i++) Assert.Equal("250 2.0.0 Ok", (await client.ReadReplyAsync()).ToString());
        Assert.Equal("421 4.7.0 mail.example.test Too many junk commands, closing transmission channel", (await client.ReadReplyAsync()).ToString());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Rset_vrfy_and_help_count_as_junk_commands_too()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        await client.SendAsync(string.Concat(Enumerable.Repeat("RSET\r\nVRFY postmaster\r\nHELP\r\n", 34)));
        for (int i = 0; i < 100; i++) Assert.NotEqual(421, (await client.ReadReplyAsync()).Code);
        Assert.Equal(421, (await client.ReadReplyAsync()).Code);
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task An_accepted_message_starts_the_junk_count_again()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Smtp));
        await client.SendAsync(string.Concat(Enumerable.Repeat("NOOP\r\n", 100)));
        for (int i = 0; i < 100; i++) Assert.Equal(250, (await client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: hi\r\n\r\nhello\r\n.")).Code);
        await client.SendAsync(string.Concat(Enumerable.Repeat("NOOP\r\n", 101)));
        for (int i = 0; i < 100; i++) Assert.Equal(250, (await client.ReadReplyAsync()).Code);
        Assert.Equal(421, (await client.ReadReplyAsync()).Code);
    }

    [Fact]
    public async Task A_600_octet_mail_from_line_gets_500_5_5_6_while_5000_octet_auth_plain_lines_are_read()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Submissions), implicitTls: true);
        // Read whole and decoded (PLAIN's fields are at most 255 octets, RFC 4616 §2), not refused as too long.
        string response = Convert.ToBase64String(new byte[3738]);
        Assert.InRange(("AUTH PLAIN " + response + "\r\n").Length, 4990, 5010);
        Assert.Equal("501 5.5.2 Cannot decode authentication response", (await client.CommandAsync("AUTH PLAIN " + response)).ToString());
        Assert.Equal(334, (await client.CommandAsync("AUTH PLAIN")).Code);
        Assert.Equal("501 5.5.2 Cannot decode authentication response", (await client.CommandAsync(response)).ToString());

        string mail = "MAIL FROM:<" + new string('a', 600 - "MAIL FROM:<@remote.test>\r\n".Length) + "@remote.test>";
        Assert.Equal(600, mail.Length + 2);
        Assert.Equal("500 5.5.6 Line too long", (await client.CommandAsync(mail)).ToString());
        Assert.Equal("500 5.5.6 Line too long", (await client.CommandAsync("NOOP " + new string('x', 600))).ToString());
        Assert.Equal(250, (await client.CommandAsync("NOOP")).Code);
    }

    /// <summary>Sends a text one octet per interval in the background, until disposed or the connection fails.</summary>
    private sealed class Dribbler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sending;

        public Dribbler(RawSmtpClient client, string text, TimeSpan interval) => _sending = SendAsync(client, Encoding.ASCII.GetBytes(text), interval);

        private async Task SendAsync(RawSmtpClient client, byte[] octets, TimeSpan interval)
        {
            try
            {
                foreach (byte b in octets)
                {
                    await Task.Delay(interval, _stop.Token);
                    await client.SendAsync([b]);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // stopped, or the server closed the connection
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _sending;
            _stop.Dispose();
        }
    }
}
