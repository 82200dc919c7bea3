using System.Globalization;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>UTF8=ACCEPT (RFC 6855) with MailKit and imaplib: UTF-8 mailbox names and UTF-8 messages.</summary>
[Collection(ImapCollection.Name)]
public class ImapUtf8AcceptTests(ImapServerFixture fixture)
{
    [Fact]
    public async Task Enable_answers_enabled_and_names_go_out_as_utf8_afterwards()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        await fixture.Server.Get<IMailboxIndex>().CreateMailboxAsync(user, "Été", SpecialUse.None, CancellationToken.None);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" &AMk-t&AOk-", await c.CommandAsync("b LIST \"\" *", "b")); // modified UTF-7 before

        Assert.Equal(["* ENABLED UTF8=ACCEPT", "e OK ENABLE completed"], await c.CommandAsync("e ENABLE UTF8=ACCEPT", "e"));

        var lines = await c.CommandAsync("l LIST \"\" \"Été\"", "l");
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" {5}", "Été", "l OK LIST completed"], lines);
        Assert.StartsWith("s OK", (await c.CommandAsync("s SELECT \"Été\"", "s"))[^1]);
    }

    [Fact]
    public async Task MailKit_creates_a_utf8_folder_and_appends_a_utf8_message()
    {
        string user = await fixture.NewUserAsync();
        using var client = await fixture.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.UTF8Accept));
        await client.EnableUTF8Async();
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);

        var folder = (await root.CreateAsync("Réunions & Co", true))!;
        var message = new MimeMessage { Subject = "Café au lait ☕" };
        message.From.Add(new MailboxAddress("Zoë", "zoë@exämple.test"));
        message.To.Add(MailboxAddress.Parse(user));
        message.Body = new TextPart("plain") { Text = "Grüße" };
        await folder.AppendAsync(message);

        Assert.NotNull(await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "Réunions & Co", CancellationToken.None));
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var fetched = await folder.GetMessageAsync(0);
        Assert.Equal("Café au lait ☕", fetched.Subject);
        Assert.Equal("zoë@exämple.test", fetched.From.Mailboxes.Single().Address);
        var names = (await client.GetFoldersAsync(client.PersonalNamespaces[0])).Select(f => f.FullName);
        Assert.Contains("Réunions & Co", names);
        await client.DisconnectAsync(true);
    }

    private const string Script = """
        import imaplib, ssl, sys
        host, port, user, pw = sys.argv[1:5]
        M = imaplib.IMAP4_SSL(host, int(port), ssl_context=ssl._create_unverified_context())
        M.login(user, pw)
        typ, data = M.enable('UTF8=ACCEPT')
        print('enable', typ, M.utf8_enabled)
        typ, data = M.create('"Société/Équipe"')
        print('create', typ)
        typ, data = M.list('""', '"Société/*"')
        for item in data:
            print('list', (b' '.join(item) if isinstance(item, tuple) else item).decode('utf-8'))
        typ, data = M.select('"Société/Équipe"')
        print('select', typ, data[0].decode())
        M.logout()
        """;

    [Fact]
    public async Task Imaplib_in_utf8_mode_creates_lists_and_selects_a_utf8_mailbox()
    {
        string user = await fixture.NewUserAsync();
        int port = fixture.Server.Port(EndpointKind.Imaps);

        var lines = await ImapTest.PythonLinesAsync(Script, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), user, ImapServerFixture.Password);

        Assert.Contains("enable OK True", lines);
        Assert.Contains("create OK", lines);
        Assert.Contains(lines, l => l.StartsWith("list", StringComparison.Ordinal) && l.Contains("Société/Équipe", StringComparison.Ordinal));
        Assert.Contains("select OK 0", lines);
        var mailboxes = await fixture.Server.Get<IMailboxIndex>().ListMailboxesAsync(user, CancellationToken.None);
        Assert.Contains(mailboxes, m => m.Name == "Société/Équipe");
    }
}
