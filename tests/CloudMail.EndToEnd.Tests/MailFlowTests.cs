using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit;
using MailKit.Security;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// The user story against the real executable: another server delivers on 25, a user submits on
/// 587 and 465, the recipient reads with IMAP and POP3 clients (MailKit and Python's stdlib).
/// </summary>
public sealed class MailFlowTests : IAsyncLifetime
{
    private const string Alice = "alice@example.test";
    private const string AlicePassword = "alice-secret-1";
    private const string Bob = "bob@example.test";
    private const string BobPassword = "bob-secret-22";

    private readonly CloudMailProcess _cloudmail = new();

    public async Task InitializeAsync()
    {
        await _cloudmail.AdminAsync(null, "domain", "add", "example.test");
        await _cloudmail.AdminAsync(AlicePassword + "\n", "user", "add", Alice);
        await _cloudmail.AdminAsync(BobPassword + "\n", "user", "add", Bob);
        await _cloudmail.StartAsync();
    }

    public async Task DisposeAsync() => await _cloudmail.DisposeAsync();

    [Fact]
    public async Task Mail_from_a_server_and_from_submission_lands_in_inbox_and_is_read_over_imap_and_pop3()
    {
        // Another server delivers on port 25 (Python smtplib, plain SMTP as most MTAs start).
        await Python.RunAsync("""
            import smtplib, sys
            from email.message import EmailMessage
            m = EmailMessage(); m["From"] = "carol@remote.test"; m["To"] = "alice@example.test"; m["Subject"] = "from-remote-25"
            m.set_content("Delivered by another server.")
            with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="mx.remote.test", timeout=20) as s:
                s.send_message(m)
            """, _cloudmail.Smtp.ToString());

        // Bob submits on 587 with STARTTLS + AUTH (MailKit) ...
        using (var smtp = await MailClients.SmtpAsync(_cloudmail.Submission, SecureSocketOptions.StartTls, Bob, BobPassword))
        {
            await smtp.SendAsync(MailClients.Message(Bob, Alice, "from-bob-587"));
            await smtp.DisconnectAsync(true);
        }

        // ... and on 465 with implicit TLS (Python smtplib.SMTP_SSL).
        await Python.RunAsync("""
            import smtplib, ssl, sys
            from email.message import EmailMessage
            m = EmailMessage(); m["From"] = "bob@example.test"; m["To"] = "alice@example.test"; m["Subject"] = "from-bob-465"
            m.set_content("Submitted over implicit TLS.")
            with smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), context=ssl._create_unverified_context(), timeout=20) as s:
                s.login("bob@example.test", "bob-secret-22")
                s.send_message(m)
            """, _cloudmail.Submissions.ToString());

        string[] subjects = ["from-remote-25", "from-bob-587", "from-bob-465"];
        var found = await MailClients.WaitForSubjectsAsync(_cloudmail.Imaps, Alice, AlicePassword, subjects, TimeSpan.FromSeconds(30));
        Assert.Equal(subjects.Order(), found.Order());

        // IMAP with Python imaplib over STARTTLS on 143.
        string imapSubjects = await Python.RunAsync("""
            import imaplib, ssl, sys
            c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
            c.starttls(ssl_context=ssl._create_unverified_context())
            c.login("alice@example.test", "alice-secret-1")
            c.select("INBOX", readonly=True)
            typ, data = c.search(None, "ALL")
            for num in data[0].split():
                typ, msg = c.fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                print(msg[0][1].decode().strip())
            c.logout()
            """, _cloudmail.Imap.ToString());
        foreach (string s in subjects) Assert.Contains("Subject: " + s, imapSubjects);

        // POP3 with MailKit over 995 ...
        using (var pop = await MailClients.Pop3Async(_cloudmail.Pop3s, SecureSocketOptions.SslOnConnect, Alice, AlicePassword))
        {
            Assert.Equal(3, pop.Count);
            var popSubjects = new List<string>();
            for (int i = 0; i < pop.Count; i++) popSubjects.Add((await pop.GetMessageAsync(i)).Subject ?? "");
            Assert.Equal(subjects.Order(), popSubjects.Order());
            await pop.DisconnectAsync(true);
        }

        // ... and Python poplib with STLS on 110.
        string popList = await Python.RunAsync("""
            import poplib, ssl, sys
            p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=20)
            p.stls(context=ssl._create_unverified_context())
            p.user("alice@example.test"); p.pass_("alice-secret-1")
            count, size = p.stat()
            print("count", count)
            for i in range(1, count + 1):
                for line in p.retr(i)[1]:
                    if line.startswith(b"Subject:"): print(line.decode())
            p.quit()
            """, _cloudmail.Pop3.ToString());
        Assert.Contains("count 3", popList);
        foreach (string s in subjects) Assert.Contains("Subject: " + s, popList);
    }

    [Fact]
    public async Task Mail_to_an_alias_reaches_the_target_account()
    {
        var add = await _cloudmail.AdminAsync(null, "alias", "add", "sales@example.test", Alice);
        Assert.Equal(0, add.ExitCode);
        using (var smtp = await MailClients.SmtpAsync(_cloudmail.Smtp, SecureSocketOptions.None))
        {
            await smtp.SendAsync(MailClients.Message("dave@remote.test", "sales@example.test", "to-the-alias"));
            await smtp.DisconnectAsync(true);
        }
        var found = await MailClients.WaitForSubjectsAsync(_cloudmail.Imaps, Alice, AlicePassword, ["to-the-alias"], TimeSpan.FromSeconds(30));
        Assert.Single(found);
    }
}
