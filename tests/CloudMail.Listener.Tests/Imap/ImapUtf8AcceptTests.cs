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

    [Fact]
    public async Task After_enable_utf8_accept_a_search_charset_is_bad_and_utf8_strings_search_without_one()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Café crème", body: "Grüße aus Köln"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Tea"));
        await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Contains("* SEARCH 1", await c.CommandAsync("a SEARCH CHARSET UTF-8 SUBJECT \"Café\"", "a")); // allowed before ENABLE

        await c.CommandAsync("e ENABLE UTF8=ACCEPT", "e");

        // RFC 6855 §3 and its verified erratum 4029: the charset label conflicts with UTF-8 strings.
        Assert.StartsWith("b BAD", (await c.CommandAsync("b SEARCH CHARSET UTF-8 SUBJECT \"Café\"", "b"))[^1]);
        Assert.StartsWith("b2 BAD", (await c.CommandAsync("b2 UID SEARCH RETURN (COUNT) CHARSET US-ASCII ALL", "b2"))[^1]);
        Assert.StartsWith("b3 BAD", (await c.CommandAsync("b3 SORT (SUBJECT) US-ASCII ALL", "b3"))[^1]);
        Assert.StartsWith("b4 BAD", (await c.CommandAsync("b4 THREAD REFERENCES ISO-8859-1 ALL", "b4"))[^1]);
        Assert.Contains("* SEARCH 1", await c.CommandAsync("c SEARCH SUBJECT \"Café\"", "c"));
        Assert.Contains("* SEARCH 1", await c.CommandAsync("d SEARCH BODY {5+}\r\nKöln", "d"));
        Assert.Contains("* SORT 1", await c.CommandAsync("f SORT (SUBJECT) UTF-8 SUBJECT \"crème\"", "f"));
        Assert.Contains("* THREAD (1)", await c.CommandAsync("g THREAD ORDEREDSUBJECT UTF-8 TEXT \"Grüße\"", "g"));
        Assert.Equal("n OK NOOP completed", (await c.CommandAsync("n NOOP", "n"))[^1]);
    }

    [Fact]
    public async Task Enable_imap4rev2_alone_keeps_search_charset_utf8_allowed()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Café"));
        await c.CommandAsync("e ENABLE IMAP4rev2", "e");
        await c.CommandAsync("s SELECT INBOX", "s");

        var lines = await c.CommandAsync("a SEARCH CHARSET UTF-8 SUBJECT \"Café\"", "a"); // RFC 9051 §6.4.4 keeps CHARSET

        Assert.Contains("* ESEARCH (TAG \"a\") ALL 1", lines);
        Assert.Equal("a OK SEARCH completed", lines[^1]);
    }

    private const string SearchScript = """
        import imaplib, ssl, sys
        host, port, user, pw = sys.argv[1:5]
        M = imaplib.IMAP4_SSL(host, int(port), ssl_context=ssl._create_unverified_context())
        M.login(user, pw)
        M.enable('UTF8=ACCEPT')
        M.select('INBOX')
        typ, data = M.search(None, 'SUBJECT', '"Smörgåsbord"')
        print('search', typ, data[0].decode())
        try:
            typ, data = M._simple_command('SEARCH', 'CHARSET', 'UTF-8', 'ALL')
            print('charset', typ)
        except imaplib.IMAP4.error as e:
            print('charset BAD' if 'BAD' in str(e) else 'charset error ' + str(e))
        M.logout()
        """;

    [Fact]
    public async Task Imaplib_in_utf8_mode_searches_utf8_strings_and_gets_bad_for_a_charset()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Other"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Smörgåsbord tonight"));
        int port = fixture.Server.Port(EndpointKind.Imaps);

        var lines = await ImapTest.PythonLinesAsync(SearchScript, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), user, ImapServerFixture.Password);

        Assert.Contains("search OK 2", lines);
        Assert.Contains("charset BAD", lines);
    }
}
