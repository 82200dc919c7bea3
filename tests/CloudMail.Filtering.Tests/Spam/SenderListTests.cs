using System.Text;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Filtering.Tests.Spam;

/// <summary>Sender allow and block lists in the running embedded server on port 25, seen by real clients.</summary>
public sealed class SenderListTests
{
    private const string Bob = "bob@" + TestServer.Domain, Carol = "carol@" + TestServer.Domain;
    private const string Password = "list-password-1";

    // Python's smtplib: sendmail returns the refused recipients (and raises only when all are refused).
    private const string SendScript = """
        import smtplib, sys, json
        port, source, sender = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        recipients = sys.argv[4:]
        with smtplib.SMTP("127.0.0.1", port, source_address=(source, 0)) as s:
            try:
                refused = s.sendmail(sender, recipients, "Subject: hi\r\nFrom: " + sender + "\r\n\r\nhello\r\n")
            except smtplib.SMTPRecipientsRefused as e:
                refused = e.recipients
            print(json.dumps({r: [c, m.decode()] for r, (c, m) in refused.items()}))
        """;

    private static async Task<string> SendAsync(TestServer server, string source, string sender, params string[] recipients) =>
        (await Python.RunAsync(SendScript, [server.Port(EndpointKind.Smtp).ToString(System.Globalization.CultureInfo.InvariantCulture), source, sender, .. recipients])).Trim();

    [Fact]
    public async Task A_block_refuses_the_sender_at_RCPT_for_the_recipients_whose_lists_block_it_and_postmaster_stays_reachable()
    {
        await using var server = await TestServer.StartAsync();
        await server.AddUserAsync(Bob, Password);
        await server.AddUserAsync(Carol, Password);
        await server.AddUserAsync("postmaster@" + TestServer.Domain, Password);
        var lists = server.Get<SenderListAdministration>();
        await lists.AddAsync(Bob, SenderListKind.Block, "spam.example", default);
        await lists.AddAsync(TestServer.Domain, SenderListKind.Block, "127.0.0.66/32", default);

        Assert.Equal("""{"bob@example.test": [550, "5.7.1 Sender refused by the recipient's policy"]}""",
            await SendAsync(server, "127.0.0.1", "x@mail.spam.example", Bob, Carol));
        Assert.Equal("""{"bob@example.test": [550, "5.7.1 Sender refused by the recipient's policy"], "carol@example.test": [550, "5.7.1 Sender refused by the recipient's policy"]}""",
            await SendAsync(server, "127.0.0.66", "friend@good.example", Bob, Carol));
        Assert.Equal("{}", await SendAsync(server, "127.0.0.66", "friend@good.example", "postmaster@" + TestServer.Domain));
        Assert.Equal("{}", await SendAsync(server, "127.0.0.67", "friend@good.example", Bob, Carol));
    }

    [Fact]
    public async Task A_users_allow_overrides_the_domain_block_and_the_sender_skips_greylisting_and_spam_filing()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Spam:Enabled"] = "true",
            ["CloudMail:Greylisting:Enabled"] = "true",
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
        });
        await server.AddUserAsync(Bob, Password);
        await server.AddUserAsync(Carol, Password);
        var lists = server.Get<SenderListAdministration>();
        await lists.AddAsync(TestServer.Domain, SenderListKind.Block, "remote.test", default);
        await lists.AddAsync(Bob, SenderListKind.Allow, "newsletter@remote.test", default);

        // Carol: the domain's block; Bob: his own allow, so no greylisting either (a first attempt would get 451).
        Assert.Equal("""{"carol@example.test": [550, "5.7.1 Sender refused by the recipient's policy"]}""",
            await SendAsync(server, "127.0.0.1", "newsletter@remote.test", Bob, Carol));

        // What the spam rules score 5.9 (Junk) is filed in Bob's INBOX, unscored.
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
            var spam = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(
                "From: newsletter@remote.test\r\nTo: bob@example.test\r\nSubject: ACCOUNT SUSPENDED\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/html\r\n\r\n<a href=\"http://evil.example.net/\">https://www.mybank.test</a>\r\n")));
            await smtp.SendAsync(spam, MailboxAddress.Parse("newsletter@remote.test"), [MailboxAddress.Parse(Bob)]);
            await smtp.DisconnectAsync(true);
        }
        var inbox = await MailboxPoller.WaitForAsync(server, Bob, Password, "INBOX", 2);
        var suspended = Assert.Single(inbox, m => m.Subject == "ACCOUNT SUSPENDED");
        Assert.Equal(["No, allow-listed"], suspended.Headers.Where(h => h.Field == "X-Spam-Status").Select(h => h.Value));
        Assert.Empty(await MailboxPoller.WaitForAsync(server, Bob, Password, "Junk", 0));
    }
}
