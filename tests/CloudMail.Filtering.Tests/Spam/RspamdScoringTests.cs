using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Filtering.Tests.Spam;

/// <summary>
/// Port-25 mail scored by the running embedded server with a real rspamd (<see cref="RspamdProcess"/>) beside its own
/// rules, and without one: rspamd down or hanging never loses the message.
/// </summary>
[Collection("rspamd")]
public sealed class RspamdScoringTests(RspamdFixture fixture)
{
    private const string Bob = "bob@" + TestServer.Domain;
    private const string BobPassword = "bob-password-1";

    private static string Message(string subject) =>
        $"From: a@remote.test\r\nTo: {Bob}\r\nSubject: {subject}\r\nDate: {DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)}\r\n"
        + $"Message-ID: <{Guid.NewGuid():N}@remote.test>\r\nX-Spam-Rspamd: score=-100 forged by the sender\r\n\r\n"
        + "Hello Bob, the quarterly figures are attached to the shared folder as discussed at the meeting on Monday.\r\n";

    private static async Task SendRawAsync(TestServer server, string raw)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        await smtp.SendAsync(MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(raw))), MailboxAddress.Parse("a@remote.test"), [MailboxAddress.Parse(Bob)]);
        await smtp.DisconnectAsync(true);
    }

    private static Task<TestServer> StartAsync(string rspamdUrl, string timeout = "00:00:10") => TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["CloudMail:Spam:Enabled"] = "true",
        // CloudMail's own thresholds out of reach: what files or refuses here is rspamd's action.
        ["CloudMail:Spam:JunkThreshold"] = "40",
        ["CloudMail:Spam:RejectThreshold"] = "60",
        ["CloudMail:Spam:Rspamd:Url"] = rspamdUrl,
        ["CloudMail:Spam:Rspamd:Timeout"] = timeout,
        ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
    });

    [Fact]
    public async Task Rspamds_score_and_symbols_join_the_verdict_and_its_add_header_action_files_in_Junk()
    {
        await using var server = await StartAsync(fixture.Rspamd.Url);
        await server.AddUserAsync(Bob, BobPassword);
        await SendRawAsync(server, Message("Figures " + RspamdProcess.SpamMarker));
        await SendRawAsync(server, Message("Figures for Monday"));

        var junk = Assert.Single(await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "Junk", 1));
        var inbox = Assert.Single(await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "INBOX", 1));

        string rspamd = Assert.Single(junk.Headers, h => h.Field == "X-Spam-Rspamd").Value;
        Assert.Contains("action=\"add header\"", rspamd, StringComparison.Ordinal);
        Assert.Contains("CLOUDMAIL_TEST_SPAM(7)", rspamd.Replace(" ", "", StringComparison.Ordinal).Replace("\t", "", StringComparison.Ordinal), StringComparison.Ordinal);
        // The built-in rules found nothing: the score is rspamd's.
        string score = junk.Headers["X-Spam-Score"] ?? "";
        Assert.Equal($"Yes, score={score} required=40.0 tests=none rspamd={score}", junk.Headers["X-Spam-Status"]);
        Assert.True(double.Parse(score, CultureInfo.InvariantCulture) >= 7);
        Assert.Equal("YES", junk.Headers["X-Spam-Flag"]);

        Assert.DoesNotContain("CLOUDMAIL_TEST_SPAM", inbox.Headers["X-Spam-Rspamd"], StringComparison.Ordinal);
        Assert.StartsWith("No, score=", inbox.Headers["X-Spam-Status"], StringComparison.Ordinal);
        Assert.Null(inbox.Headers["X-Spam-Flag"]);
    }

    [Fact]
    public async Task Rspamds_reject_action_refuses_the_message_in_the_session()
    {
        await using var server = await StartAsync(fixture.Rspamd.Url);
        await server.AddUserAsync(Bob, BobPassword);

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => SendRawAsync(server, Message("Figures " + RspamdProcess.RejectMarker)));
        Assert.Equal(550, (int)refused.StatusCode);
        Assert.Contains("refused as spam (rspamd action reject", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_rspamd_down_the_built_in_verdict_stands_and_the_mail_is_delivered()
    {
        await using var server = await StartAsync("http://127.0.0.1:" + ClosedPort().ToString(CultureInfo.InvariantCulture));
        await server.AddUserAsync(Bob, BobPassword);
        await SendRawAsync(server, Message("Figures " + RspamdProcess.SpamMarker));

        var message = Assert.Single(await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "INBOX", 1));
        Assert.Equal("unavailable", message.Headers["X-Spam-Rspamd"]);
        Assert.Equal("No, score=0.0 required=40.0 tests=none", message.Headers["X-Spam-Status"]);
    }

    [Fact]
    public async Task An_rspamd_that_never_answers_costs_the_timeout_and_the_mail_is_delivered()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        _ = Task.Run(async () =>
        {
            while (true) accepted.Add(await silent.AcceptSocketAsync());
        });
        await using var server = await StartAsync("http://127.0.0.1:" + ((IPEndPoint)silent.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture), "00:00:01");
        await server.AddUserAsync(Bob, BobPassword);

        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        await SendRawAsync(server, Message("Figures"));
        // The 1 s timeout was waited out (not an instant failure); the runtime's timers may fire a few milliseconds early
        // against the test's clock (measured 0.997 s once), so the bound leaves 100 ms.
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(20));

        var message = Assert.Single(await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "INBOX", 1));
        Assert.Equal("unavailable", message.Headers["X-Spam-Rspamd"]);
        Assert.NotEmpty(accepted);
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
