using System.Globalization;
using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Storage.Embedded;
using MailKit;
using MailKit.Search;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// SEARCH string keys over the embedded full-text index, driven by MailKit and Python imaplib: substrings inside words,
/// charset-encoded quoted-printable and base64 bodies, HTML, expunged and moved messages, and a body longer than the
/// index keeps (this server indexes 1024 characters per body, so such a message is read instead: same answer).
/// </summary>
public sealed class ImapSearchIndexTests : IAsyncLifetime
{
    private TestServer _server = null!;

    static ImapSearchIndexTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["CloudMail:EmbeddedStorage:SearchIndexMaxBodyChars"] = "1024",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private const string Latin1QuotedPrintable =
        "Subject: =?ISO-8859-1?Q?R=E9sum=E9_de_r=E9union?=\r\nFrom: =?ISO-8859-1?Q?Ren=E9e?= <renee@remote.test>\r\nTo: bob@example.test\r\n" +
        "X-Mailer: BenchMail 2.1\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n" +
        "Content-Transfer-Encoding: quoted-printable\r\n\r\nLe caf=E9 cr=E8me est pr=EAt. Unbelievable things happen.\r\n";

    private static string Koi8Base64() =>
        "Subject: =?KOI8-R?B?" + Convert.ToBase64String(Encoding.GetEncoding("koi8-r").GetBytes("Отчёт")) + "?=\r\nFrom: ivan@remote.test\r\n" +
        "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=KOI8-R\r\n" +
        "Content-Transfer-Encoding: base64\r\n\r\n" +
        Convert.ToBase64String(Encoding.GetEncoding("koi8-r").GetBytes("Съешь же ещё этих мягких французских булок.")) + "\r\n";

    private static string HtmlAlternative() =>
        "Subject: newsletter\r\nFrom: news@remote.test\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain version.\r\n" +
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        Convert.ToBase64String(Encoding.UTF8.GetBytes("<p>Le <b>g&acirc;teau</b> est servi</p>")) + "\r\n--b1--\r\n";

    private async Task<(string User, IMailFolder Inbox, MailKit.Net.Imap.ImapClient Client)> MailboxWithAsync(params string[] messages)
    {
        string user = $"s{Guid.NewGuid():N}"[..16] + "@" + TestServer.Domain;
        await _server.AddUserAsync(user, ImapServerFixture.Password);
        foreach (string raw in messages) await ImapTest.DeliverAsync(_server, user, "INBOX", raw);
        await IndexedAsync();
        var client = await ImapTest.ConnectAsync(_server, user, ImapServerFixture.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        return (user, client.Inbox, client);
    }

    /// <summary>Waits until the background indexer has nothing left (so the searches below go through the index).</summary>
    private async Task IndexedAsync()
    {
        var storage = _server.Get<EmbeddedStorage>();
        for (int i = 0; i < 300 && await storage.CountPendingTextAsync(CancellationToken.None) > 0; i++) await Task.Delay(50);
        Assert.Equal(0, await storage.CountPendingTextAsync(CancellationToken.None));
    }

    private static async Task<string> Uids(IMailFolder folder, SearchQuery query) =>
        string.Join(' ', (await folder.SearchAsync(query)).Select(u => u.Id));

    [Fact]
    public async Task Body_text_subject_and_from_match_substrings_of_decoded_content()
    {
        var (_, inbox, client) = await MailboxWithAsync(Latin1QuotedPrintable, Koi8Base64(), HtmlAlternative(), ImapTest.TextMessage("plain", "nothing here"));
        using (client)
        {
            Assert.Equal("1", await Uids(inbox, SearchQuery.BodyContains("BELIEVAB")));          // middle of a word, other case
            Assert.Equal("1", await Uids(inbox, SearchQuery.BodyContains("café crème")));         // QP ISO-8859-1
            Assert.Equal("2", await Uids(inbox, SearchQuery.BodyContains("МЯГКИХ ФРАНЦУЗ")));    // base64 KOI8-R, Cyrillic case
            Assert.Equal("2", await Uids(inbox, SearchQuery.SubjectContains("тчё")));              // RFC 2047 B, KOI8-R
            Assert.Equal("3", await Uids(inbox, SearchQuery.BodyContains("gâteau est")));         // base64 HTML, entity, tags gone
            Assert.Equal("", await Uids(inbox, SearchQuery.BodyContains("<b>")));
            Assert.Equal("1", await Uids(inbox, SearchQuery.SubjectContains("SUMÉ DE")));
            Assert.Equal("", await Uids(inbox, SearchQuery.BodyContains("sumé de")));
            Assert.Equal("1", await Uids(inbox, SearchQuery.MessageContains("sumé de")));         // TEXT covers headers
            Assert.Equal("1", await Uids(inbox, SearchQuery.FromContains("renée <renee@")));
            Assert.Equal("1 2 3 4", await Uids(inbox, SearchQuery.MessageContains("e")));         // under three characters
            Assert.Equal("2 3 4", await Uids(inbox, SearchQuery.Not(SearchQuery.BodyContains("café"))));
            Assert.Equal("1 3", await Uids(inbox, SearchQuery.Or(SearchQuery.BodyContains("happen"), SearchQuery.BodyContains("servi"))));
            Assert.Equal("1", await Uids(inbox, SearchQuery.HeaderContains("X-Mailer", "CHMAIL 2")));
            Assert.Equal("4", await Uids(inbox, SearchQuery.BodyContains("nothing").And(SearchQuery.NotSeen)));
        }
    }

    private const string Forward =
        "Subject: Fwd: minutes\r\nFrom: ann@remote.test\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n" +
        "--o\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" +
        "Subject: Board minutes\r\nFrom: Carol <carol@elsewhere.test>\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nThe quarterly figures are in.\r\n" +
        "--i\r\nContent-Type: text/html\r\n\r\n<p>The <b>quarterly</b> figures</p>\r\n--i--\r\n\r\n--o--\r\n";

    [Fact]
    public async Task A_forwarded_message_inside_the_body_is_searched_as_body_text()
    {
        // RFC 3501 §6.4.4: the encapsulated message's text parts are body; its header fields are found by TEXT only,
        // as Dovecot's BODY skips every header.
        var (_, inbox, client) = await MailboxWithAsync(Forward, ImapTest.TextMessage("plain", "nothing here"));
        using (client)
        {
            Assert.Equal("1", await Uids(inbox, SearchQuery.BodyContains("QUARTERLY FIGURES")));   // the inner text part
            Assert.Equal("", await Uids(inbox, SearchQuery.BodyContains("board minutes")));        // the inner Subject: not body
            Assert.Equal("1", await Uids(inbox, SearchQuery.MessageContains("board minutes")));    // but TEXT
            Assert.Equal("1", await Uids(inbox, SearchQuery.MessageContains("carol@elsewhere")));  // the inner From
            Assert.Equal("", await Uids(inbox, SearchQuery.SubjectContains("board")));             // not the outer Subject
            Assert.Equal("1", await Uids(inbox, SearchQuery.BodyContains("n.")));                  // under three characters: the scan path
        }
    }

    [Fact]
    public async Task Text_matches_the_top_level_content_fields_through_the_index_too()
    {
        // MimeKit keeps Content-* on the body entity; the index once left them out of TEXT while the scan had them.
        var (_, inbox, client) = await MailboxWithAsync(Forward, ImapTest.TextMessage("plain", "nothing here"));
        using (client)
        {
            Assert.Equal("1", await Uids(inbox, SearchQuery.MessageContains("multipart/mixed")));
            Assert.Equal("1", await Uids(inbox, SearchQuery.HeaderContains("Content-Type", "multipart/mixed")));
        }
    }

    private const string WithAttachment =
        "Subject: report\r\nFrom: ann@remote.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n"
        + "--x\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        + "--x\r\nContent-Type: application/pdf; name=\"quarterly.pdf\"\r\nX-Part-Note: zebra7z\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
        + "--x--\r\n";

    [Fact]
    public async Task Text_matches_MIME_part_headers_and_field_names_through_the_index_and_the_scan()
    {
        // RFC 3501 §6.4.4 TEXT: the header (field names too) and the body, part headers included; BODY skips those (as Dovecot).
        var (_, inbox, client) = await MailboxWithAsync(WithAttachment, ImapTest.TextMessage("plain", "nothing here"));
        using (client)
        {
            Assert.Equal("1", await Uids(inbox, SearchQuery.MessageContains("quarterly.pdf")));  // index
            Assert.Equal("1", await Uids(inbox, SearchQuery.MessageContains("X-Part-Note")));
            Assert.Equal("1", await Uids(inbox, SearchQuery.MessageContains("7z")));             // under three characters: the scan path
            Assert.Equal("1 2", await Uids(inbox, SearchQuery.MessageContains("Subject:")));
            Assert.Equal("", await Uids(inbox, SearchQuery.BodyContains("zebra7z")));
            Assert.Equal("", await Uids(inbox, SearchQuery.BodyContains("7z")));
        }
    }

    [Fact]
    public async Task A_folded_or_spaced_subject_and_display_name_are_found_by_their_words_with_one_space()
    {
        // Unfolding keeps the tab of "quarterly CRLF TAB report"; a reader sees "quarterly report", and so does SEARCH (as in
        // Dovecot), through the index and through the scan (HEADER of a field the index keeps only as a whole line).
        var (_, inbox, client) = await MailboxWithAsync(
            "From: John\r\n  Smith <js@remote.test>\r\nSubject: quarterly\r\n\treport\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n\r\nbody\r\n",
            "From: ann@remote.test\r\nSubject: quarterly   report\r\nX-Note: alpha\r\n\tbeta\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n\r\nbody\r\n",
            ImapTest.TextMessage("quarterly", "report"));
        using (client)
        {
            Assert.Equal("1 2", await Uids(inbox, SearchQuery.SubjectContains("quarterly report")));
            Assert.Equal("1", await Uids(inbox, SearchQuery.FromContains("John Smith")));
            Assert.Equal("2", await Uids(inbox, SearchQuery.HeaderContains("X-Note", "alpha beta")));
            Assert.Equal("1 2", await Uids(inbox, SearchQuery.MessageContains("Subject: quarterly report")));
            Assert.Equal("", await Uids(inbox, SearchQuery.SubjectContains("quarterly  report"))); // the search string as given
        }
    }

    [Fact]
    public async Task Expunged_messages_are_gone_and_moved_ones_are_found_in_their_new_mailbox()
    {
        var (_, inbox, client) = await MailboxWithAsync(Latin1QuotedPrintable, Koi8Base64(), ImapTest.TextMessage("third", "Unbelievable too"));
        using (client)
        {
            await inbox.AddFlagsAsync(new UniqueId(1), MessageFlags.Deleted, silent: true);
            await inbox.ExpungeAsync();
            Assert.Equal("3", await Uids(inbox, SearchQuery.BodyContains("believab")));

            await inbox.MoveToAsync(new UniqueId(3), client.GetFolder("Trash"));
            Assert.Equal("", await Uids(inbox, SearchQuery.BodyContains("believab")));
            var trash = client.GetFolder("Trash");
            await trash.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal("1", await Uids(trash, SearchQuery.BodyContains("believab")));
            Assert.Equal("1", await Uids(trash, SearchQuery.SubjectContains("hir")));
        }
    }

    [Fact]
    public async Task Text_beyond_the_indexed_part_of_a_long_body_is_still_found()
    {
        string longBody = string.Join("\r\n", Enumerable.Range(0, 200).Select(i => "line " + i.ToString(CultureInfo.InvariantCulture))) + "\r\nthe needleword at the end";
        var (_, inbox, client) = await MailboxWithAsync(ImapTest.TextMessage("long", longBody), ImapTest.TextMessage("short", "needle"));
        using (client)
        {
            Assert.Equal("1", await Uids(inbox, SearchQuery.BodyContains("EDLEWOR")));
            Assert.Equal("1 2", await Uids(inbox, SearchQuery.BodyContains("needle")));
        }
    }

    [Fact]
    public async Task Imaplib_searches_with_a_UTF8_literal_and_uid_search()
    {
        string[] lines = await ImaplibInInboxAsync([ImapTest.TextMessage("a", "nothing"), Latin1QuotedPrintable, Koi8Base64()], """
            M.literal = 'ЭТИХ МЯГ'.encode('utf-8')
            typ, data = M.search('UTF-8', 'BODY')
            print('body', data[0].decode())
            typ, data = M.uid('SEARCH', 'TEXT', '"believ"')
            print('uid', data[0].decode())
            typ, data = M.search(None, 'NOT', 'TEXT', '"believ"')
            print('not', data[0].decode())
            """);
        Assert.Equal(["body 3", "uid 2", "not 1 3"], lines);
    }

    [Fact]
    public async Task A_search_literal_holding_NUL_is_answered_by_reading_the_messages()
    {
        // NUL is no character of an IMAP literal (RFC 9051 §4.3), and SQLite's FTS5 query parser stops at it; it used to
        // fail the command with NO [SERVERBUG].
        string[] lines = await ImaplibInInboxAsync([ImapTest.TextMessage("a", "nothing"), Latin1QuotedPrintable], """
            for needle in (b'Unbel\x00ievable', b'\x00', b'able th'):
                M.literal = needle
                typ, data = M.search(None, 'BODY')
                print(typ, data[0].decode())
            """);
        Assert.Equal(["OK", "OK", "OK 2"], lines);
    }

    /// <summary>
    /// Runs <paramref name="steps"/> (Python, with <c>M</c> an imaplib client logged in over IMAPS with INBOX selected) for
    /// a new user whose INBOX holds <paramref name="messages"/>, indexed; returns the lines it printed.
    /// </summary>
    private async Task<string[]> ImaplibInInboxAsync(string[] messages, string steps)
    {
        var (user, _, client) = await MailboxWithAsync(messages);
        client.Dispose();
        string script = """
            import imaplib, ssl, sys
            host, port, user, pw = sys.argv[1:5]
            M = imaplib.IMAP4_SSL(host, int(port), ssl_context=ssl._create_unverified_context())
            M.login(user, pw)
            M.select('INBOX')

            """ + steps + "\nM.logout()\n";
        return await ImapTest.PythonLinesAsync(script, "127.0.0.1", _server.Port(EndpointKind.Imaps).ToString(CultureInfo.InvariantCulture),
            user, ImapServerFixture.Password);
    }
}
