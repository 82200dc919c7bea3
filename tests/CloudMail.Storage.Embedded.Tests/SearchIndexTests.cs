using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Mailboxes.Search;
using CloudMail.Storage.Embedded.Tests.Support;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>The full-text search index in mail.db: what it finds, what it covers, and how it follows the mailboxes.</summary>
public sealed class SearchIndexTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly string _account = ContractTests.Unique.Account();
    private EmbeddedStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _storage = EmbeddedStorage.Open(_folder.Path);
        await _storage.Mailboxes.EnsureDefaultMailboxesAsync(_account, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _storage.DisposeAsync();
        _folder.Dispose();
    }

    private const string Latin1QuotedPrintable =
        "Subject: =?ISO-8859-1?Q?R=E9sum=E9_de_r=E9union?=\r\nFrom: =?ISO-8859-1?Q?Ren=E9e?= <renee@remote.test>\r\nTo: bob@example.test\r\n" +
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
        "Le caf=E9 cr=E8me est pr=EAt. Unbelievable things happen.\r\n";

    private static string Base64Koi8() =>
        "Subject: hello\r\nFrom: ivan@remote.test\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=KOI8-R\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        Convert.ToBase64String(Encoding.GetEncoding("koi8-r").GetBytes("Привет, мир! Съешь же ещё этих мягких булок.")) + "\r\n";

    private static string Html() =>
        "Subject: newsletter\r\nFrom: news@remote.test\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        Convert.ToBase64String(Encoding.UTF8.GetBytes("<html><style>.x{color:red}</style><body><p>Caf&eacute; <b>ouvert</b></p><div>demain</div></body></html>")) + "\r\n";

    static SearchIndexTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public async Task Finds_substrings_of_decoded_text_case_insensitively_in_the_right_fields()
    {
        uint latin = await AppendAsync("INBOX", Latin1QuotedPrintable);
        uint russian = await AppendAsync("INBOX", Base64Koi8());
        uint html = await AppendAsync("INBOX", Html());
        await IndexAllAsync();

        Assert.Equal([latin], await FindAsync(TextField.Body, "BELIEVAB"));           // middle of a word, other case
        Assert.Equal([latin], await FindAsync(TextField.Body, "café crème"));          // quoted-printable ISO-8859-1
        Assert.Equal([russian], await FindAsync(TextField.Body, "МЯГКИХ БУЛ"));        // base64 KOI8-R, Cyrillic case
        Assert.Equal([html], await FindAsync(TextField.Body, "café ouvert"));           // base64 HTML: entity decoded, tags gone
        Assert.Empty(await FindAsync(TextField.Body, "ouvertdemain"));                 // blocks do not run together
        Assert.Empty(await FindAsync(TextField.Body, "color:red"));                    // style sheet is not text
        Assert.Empty(await FindAsync(TextField.Body, "<b>"));
        Assert.Equal([latin], await FindAsync(TextField.Subject, "sumé de"));          // RFC 2047 subject
        Assert.Empty(await FindAsync(TextField.Body, "sumé de"));                      // not in the body
        Assert.Equal([latin], await FindAsync(TextField.Text, "sumé de"));             // TEXT: headers too
        Assert.Equal([latin], await FindAsync(TextField.From, "renée <renee@"));        // name <address> form
        Assert.Equal([russian], await FindAsync(TextField.From, "IVAN@REMOTE"));
        Assert.Equal([latin, russian, html], await FindAsync(TextField.Text, "e"));     // one character: scanned, still exact
        Assert.Equal([latin, html], await FindAsync(TextField.Body, "é"));            // café in both
        Assert.Equal([latin, russian, html], (await SearchAsync("INBOX", new TextQuery(TextField.Body, "zz"))).Covered.Order());
    }

    [Fact]
    public async Task Messages_wait_until_indexed_and_are_not_covered_before()
    {
        uint uid = await AppendAsync("INBOX", Latin1QuotedPrintable);

        Assert.Equal(1, await _storage.CountPendingTextAsync(CancellationToken.None));
        Assert.Empty((await SearchAsync("INBOX", new TextQuery(TextField.Body, "café"))).Covered);

        await IndexAllAsync();
        Assert.Equal(0, await _storage.CountPendingTextAsync(CancellationToken.None));
        Assert.Equal([uid], (await SearchAsync("INBOX", new TextQuery(TextField.Body, "café"))).Covered);
    }

    [Fact]
    public async Task Copied_messages_are_found_in_their_new_mailbox_and_expunged_ones_nowhere()
    {
        uint uid = await AppendAsync("INBOX", Latin1QuotedPrintable);
        await IndexAllAsync();
        CopyResult copy = await _storage.Mailboxes.CopyAsync(_account, "INBOX", [uid], "Trash", CancellationToken.None);
        await _storage.Mailboxes.ExpungeAsync(_account, "INBOX", [uid], CancellationToken.None);

        Assert.Equal(0, await _storage.CountPendingTextAsync(CancellationToken.None)); // the copy shares the indexed document
        Assert.Empty(await FindAsync(TextField.Body, "café"));
        Assert.Equal(copy.DestinationUids, await FindAsync(TextField.Body, "café", "Trash"));
    }

    private const string WithAttachment =
        "Subject: report\r\nFrom: ann@remote.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n"
        + "--x\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        + "--x\r\nContent-Type: application/pdf; name=\"quarterly.pdf\"\r\nX-Part-Note: zebracorn\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
        + "--x--\r\n";

    [Fact]
    public async Task Text_holds_field_names_and_MIME_part_headers_and_body_does_not()
    {
        uint uid = await AppendAsync("INBOX", WithAttachment);
        await IndexAllAsync();

        // RFC 3501 §6.4.4 TEXT: the header (names too) and the body, which holds the part headers; BODY skips them, as in Dovecot.
        Assert.Equal([uid], await FindAsync(TextField.Text, "zebracorn"));
        Assert.Equal([uid], await FindAsync(TextField.Text, "quarterly.pdf"));
        Assert.Equal([uid], await FindAsync(TextField.Text, "x-part-note"));
        Assert.Equal([uid], await FindAsync(TextField.Text, "subject: rep"));
        Assert.Empty(await FindAsync(TextField.Body, "zebracorn"));
        Assert.Equal([uid], await FindAsync(TextField.Body, "see attached"));
    }

    [Fact]
    public async Task Documents_of_the_previous_schema_are_rebuilt_on_upgrade()
    {
        uint uid = await AppendAsync("INBOX", WithAttachment);
        await IndexAllAsync();
        // A document as an earlier writer left it (migration 16's: header values only), in a database of the schema before
        // the last rebuild (migration 23: whitespace runs in header values as one space).
        await _storage.MailDatabase.WriteAsync(c =>
        {
            c.Execute("UPDATE search_text SET headers = 'REPORT'");
            c.Execute("PRAGMA user_version = 22");
        }, CancellationToken.None);
        Assert.Empty(await FindAsync(TextField.Text, "zebracorn"));
        await _storage.DisposeAsync();

        _storage = EmbeddedStorage.Open(_folder.Path);
        Assert.Equal(1, await _storage.CountPendingTextAsync(CancellationToken.None));
        await IndexAllAsync();

        Assert.Equal([uid], await FindAsync(TextField.Text, "zebracorn"));
    }

    [Fact]
    public async Task The_index_flushes_a_batch_as_one_segment_and_merges_eight_at_a_time_also_after_an_upgrade()
    {
        Task<List<string>> SettingsAsync() => _storage.MailDatabase.ReadAsync(c =>
            c.Query("SELECT k || '=' || v FROM search_text_config WHERE k IN ('automerge', 'hashsize') ORDER BY k", r => r.GetString(0)),
            CancellationToken.None);
        Assert.Equal(["automerge=8", "hashsize=16777216"], await SettingsAsync());

        // A database of the schema before migration 24 (FTS5's defaults) gets them when it is opened.
        await _storage.MailDatabase.WriteAsync(c =>
        {
            c.Execute("DELETE FROM search_text_config WHERE k IN ('automerge', 'hashsize')");
            c.Execute("PRAGMA user_version = 23");
        }, CancellationToken.None);
        await _storage.DisposeAsync();
        _storage = EmbeddedStorage.Open(_folder.Path);
        Assert.Equal(["automerge=8", "hashsize=16777216"], await SettingsAsync());

        uint uid = await AppendAsync("INBOX", WithAttachment);
        await IndexAllAsync();
        Assert.Equal([uid], await FindAsync(TextField.Text, "zebracorn"));
    }

    [Fact]
    public async Task Reclaiming_a_blob_removes_its_document()
    {
        uint uid = await AppendAsync("INBOX", Latin1QuotedPrintable);
        await IndexAllAsync();
        string blobId = (await _storage.Mailboxes.GetMessagesAsync(_account, "INBOX", CancellationToken.None)).Single().Blob.Id;
        await _storage.Mailboxes.ExpungeAsync(_account, "INBOX", [uid], CancellationToken.None);

        await _storage.References.ForgetAsync(blobId, CancellationToken.None);

        Assert.Equal(0L, Count("SELECT COUNT(*) FROM search_docs"));
        Assert.Equal(0L, Count("SELECT COUNT(*) FROM search_text"));
    }

    [Fact]
    public async Task A_message_gone_before_it_was_indexed_leaves_nothing_behind()
    {
        uint uid = await AppendAsync("INBOX", Latin1QuotedPrintable);
        await _storage.Mailboxes.ExpungeAsync(_account, "INBOX", [uid], CancellationToken.None);

        await IndexAllAsync();

        Assert.Equal(0L, Count("SELECT COUNT(*) FROM search_docs"));
        Assert.Equal(0, await _storage.CountPendingTextAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Bodies_over_the_limit_are_indexed_in_part_and_not_covered()
    {
        await using EmbeddedStorage small = EmbeddedStorage.Open(_folder.Path, new EmbeddedStorageOptions { SearchIndexMaxBodyChars = 1024 });
        uint uid = await AppendAsync("INBOX", "Subject: long\r\n\r\n" + new string('a', 2000) + "needle\r\n", small);
        while (await small.IndexPendingTextAsync(10, CancellationToken.None) > 0) { }

        TextIndexAnswer answer = (await small.TextIndex.SearchAsync(_account, "INBOX", await UidValidityAsync(), [new TextQuery(TextField.Body, "aaa")],
            CancellationToken.None))!;
        Assert.DoesNotContain(uid, answer.Covered);
        Assert.Contains(uid, answer.Matches[0]);
    }

    [Fact]
    public async Task A_message_whose_bytes_are_missing_is_dropped_from_the_queue_and_not_covered()
    {
        uint uid = await AppendAsync("INBOX", Latin1QuotedPrintable);
        string blobId = (await _storage.Mailboxes.GetMessagesAsync(_account, "INBOX", CancellationToken.None)).Single().Blob.Id;
        await _storage.Blobs.DeleteAsync(blobId, CancellationToken.None);

        await IndexAllAsync();

        Assert.Equal(0, await _storage.CountPendingTextAsync(CancellationToken.None));
        Assert.DoesNotContain(uid, (await SearchAsync("INBOX", new TextQuery(TextField.Body, "café"))).Covered);
    }

    [Fact]
    public async Task A_stale_UIDVALIDITY_gets_no_answer()
    {
        uint validity = await UidValidityAsync();
        Assert.Null(await _storage.TextIndex.SearchAsync(_account, "INBOX", validity + 1, [new TextQuery(TextField.Body, "abc")], CancellationToken.None));
        Assert.Null(await _storage.TextIndex.SearchAsync(_account, "Nowhere", validity, [new TextQuery(TextField.Body, "abc")], CancellationToken.None));
    }

    [Fact]
    public async Task Migration_queues_the_messages_stored_before_the_index_existed()
    {
        uint uid = await AppendAsync("INBOX", Latin1QuotedPrintable);
        await IndexAllAsync();
        await _storage.DisposeAsync();
        using (var c = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, EmbeddedStorage.MailDatabaseFile)};Pooling=False"))
        {
            c.Open();
            using var command = c.CreateCommand();
            command.CommandText = DatabaseFileTests.UndoIndexBlobs + DatabaseFileTests.UndoStructure + DatabaseFileTests.UndoTimeIndex + DatabaseFileTests.UndoDmarcReasons + DatabaseFileTests.UndoSpamTraining + DatabaseFileTests.UndoSearchIndex + "PRAGMA user_version = 15";
            command.ExecuteNonQuery();
        }

        _storage = EmbeddedStorage.Open(_folder.Path);
        Assert.Equal(1, await _storage.CountPendingTextAsync(CancellationToken.None));
        await IndexAllAsync();
        Assert.Equal([uid], await FindAsync(TextField.Body, "café"));
    }

    private async Task<uint> AppendAsync(string mailbox, string raw, EmbeddedStorage? storage = null)
    {
        storage ??= _storage;
        await using IBlobWriter writer = storage.Blobs.CreateWriter(ContractTests.Unique.MessageId());
        await writer.WriteAsync(Encoding.UTF8.GetBytes(raw), CancellationToken.None);
        BlobRef blob = await writer.CommitAsync(CancellationToken.None);
        return (await storage.Mailboxes.AppendAsync(_account, mailbox, blob, DateTimeOffset.UtcNow, MessageFlags.None, [], null, CancellationToken.None)).Uid;
    }

    private async Task IndexAllAsync()
    {
        while (await _storage.IndexPendingTextAsync(2, CancellationToken.None) > 0) { }
    }

    private async Task<uint> UidValidityAsync() =>
        (await _storage.Mailboxes.GetMailboxAsync(_account, "INBOX", CancellationToken.None))!.UidValidity;

    private async Task<TextIndexAnswer> SearchAsync(string mailbox, TextQuery query)
    {
        uint validity = (await _storage.Mailboxes.GetMailboxAsync(_account, mailbox, CancellationToken.None))!.UidValidity;
        return (await _storage.TextIndex.SearchAsync(_account, mailbox, validity, [query], CancellationToken.None))!;
    }

    private async Task<uint[]> FindAsync(TextField field, string needle, string mailbox = "INBOX") =>
        [.. (await SearchAsync(mailbox, new TextQuery(field, needle))).Matches[0].Order()];

    private long Count(string sql) => _storage.MailDatabase.ReadAsync(c => c.ScalarInt64(sql), CancellationToken.None).Result;
}
