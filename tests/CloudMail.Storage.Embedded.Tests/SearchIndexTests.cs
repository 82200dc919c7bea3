using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Mailboxes.Search;
using CloudMail.Storage.Embedded.Tests.Support;
using CloudMail.Storage.Embedded.Search;
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
    public async Task A_needle_is_found_only_where_it_stands_whole_not_where_its_trigrams_are_scattered()
    {
        uint scattered = await AppendAsync("INBOX", "Subject: one\r\nFrom: a@remote.test\r\n\r\nabcd cde, then say \"hi\" to \U0001F600\U0001F601 friends\r\n");
        uint whole = await AppendAsync("INBOX", "Subject: abcde\r\nFrom: b@remote.test\r\n\r\nthe abcdef text\r\n");
        uint elsewhere = await AppendAsync("Trash", "Subject: two\r\nFrom: c@remote.test\r\n\r\nabcdef as well\r\n");
        await IndexAllAsync();

        // "abcd cde" holds ABC, BCD and CDE, but not ABCDE: a positional phrase query never found it, nor may this index.
        Assert.Equal([whole], await FindAsync(TextField.Body, "abcde"));
        Assert.Equal([scattered, whole], await FindAsync(TextField.Body, "ABCD"));
        Assert.Equal([whole], await FindAsync(TextField.Subject, "abcde"));           // the field asked, not the document
        Assert.Empty(await FindAsync(TextField.From, "abcde"));
        Assert.Equal([elsewhere], await FindAsync(TextField.Body, "abcdef", "Trash"));
        Assert.Equal([scattered], await FindAsync(TextField.Body, "say \"hi\""));      // quotes in the needle
        Assert.Equal([scattered], await FindAsync(TextField.Body, "\U0001F600\U0001F601 f")); // characters outside the BMP
        Assert.Empty(await FindAsync(TextField.Body, "\U0001F601\U0001F600"));
        string longNeedle = string.Concat(Enumerable.Repeat("then say ", 12));      // more trigrams than are looked up
        Assert.Empty(await FindAsync(TextField.Body, longNeedle));
        Assert.Equal([scattered], await FindAsync(TextField.Body, "abcd cde, then say \"hi\" to"));
    }

    [Fact]
    public void A_needle_is_looked_up_by_trigrams_side_by_side_at_most_twelve()
    {
        Assert.Null(SqliteMessageTextIndex.TrigramQuery("AB"));
        Assert.Null(SqliteMessageTextIndex.TrigramQuery("\U0001F600\U0001F601"));
        Assert.Equal("\"ABC\"", SqliteMessageTextIndex.TrigramQuery("ABC"));
        Assert.Equal("\"ABC\" AND \"BCD\"", SqliteMessageTextIndex.TrigramQuery("ABCD"));   // the last three always
        Assert.Equal("\"AAA\"", SqliteMessageTextIndex.TrigramQuery("AAAAAA"));
        Assert.Equal("\"SAY\" AND \" \"\"H\"", SqliteMessageTextIndex.TrigramQuery("SAY \"H"));
        Assert.Equal("\"\U0001F600\U0001F601X\"", SqliteMessageTextIndex.TrigramQuery("\U0001F600\U0001F601X"));
        string query = SqliteMessageTextIndex.TrigramQuery(string.Concat(Enumerable.Range(0, 200).Select(i => (char)('A' + i % 26) + i.ToString("D3"))))!;
        Assert.InRange(query.Split(" AND ").Length, 8, 12);
        Assert.StartsWith("\"A00\"", query, StringComparison.Ordinal);
        Assert.EndsWith("\"199\"", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_positional_index_of_an_earlier_version_is_made_anew_without_positions_and_its_messages_indexed_again()
    {
        uint uid = await AppendAsync("INBOX", Latin1QuotedPrintable);
        await IndexAllAsync();
        // The table as migrations 16 to 24 left it: positions kept (FTS5's default detail=full).
        await _storage.MailDatabase.WriteAsync(c =>
        {
            c.Execute("""
                DROP TABLE search_text;
                CREATE VIRTUAL TABLE search_text USING fts5 (subject, from_lines, to_lines, cc_lines, bcc_lines, headers, body,
                    tokenize = 'trigram case_sensitive 1');
                INSERT INTO search_text (rowid, body) SELECT id, 'STALE' FROM search_docs;
                PRAGMA user_version = 24;
                """);
        }, CancellationToken.None);
        await _storage.DisposeAsync();

        _storage = EmbeddedStorage.Open(_folder.Path);
        Assert.Contains("detail = none", (await _storage.MailDatabase.ReadAsync(c => c.Query("SELECT sql FROM sqlite_schema WHERE name = 'search_text'", r => r.GetString(0)),
            CancellationToken.None)).Single(), StringComparison.Ordinal);
        Assert.Equal(0L, Count("SELECT COUNT(*) FROM search_text"));
        Assert.Equal(1, await _storage.CountPendingTextAsync(CancellationToken.None));
        Assert.Empty((await SearchAsync("INBOX", new TextQuery(TextField.Body, "café"))).Covered);  // read, not trusted, until indexed
        await IndexAllAsync();
        Assert.Equal([uid], await FindAsync(TextField.Body, "café"));
        Assert.Equal(["automerge=8", "hashsize=16777216"], await _storage.MailDatabase.ReadAsync(c =>
            c.Query("SELECT k || '=' || v FROM search_text_config WHERE k IN ('automerge', 'hashsize') ORDER BY k", r => r.GetString(0)),
            CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_is_written_as_one_segment_of_the_index()
    {
        for (int i = 0; i < 20; i++) await AppendAsync("INBOX", $"Subject: number {i}\r\nFrom: n{i}@remote.test\r\n\r\nbody of message {i}\r\n");

        Assert.Equal(20, await _storage.IndexPendingTextAsync(100, CancellationToken.None));

        // One segment for the batch (a segment per document was flushed when each document had its own statement, and
        // merging rewrote them), and every document in it.
        Assert.Equal(1L, Count("SELECT COUNT(DISTINCT segid) FROM search_text_idx"));
        Assert.Equal(20, (await FindAsync(TextField.Body, "body of message")).Length);
        Assert.Equal(11, (await FindAsync(TextField.Subject, "number 1")).Length); // 1 and 10 to 19
    }

    [Fact]
    public async Task Reclaiming_a_blob_removes_its_document_at_once_and_its_text_at_the_next_indexing_pass()
    {
        uint uid = await AppendAsync("INBOX", Latin1QuotedPrintable);
        await IndexAllAsync();
        string blobId = (await _storage.Mailboxes.GetMessagesAsync(_account, "INBOX", CancellationToken.None)).Single().Blob.Id;
        await _storage.Mailboxes.ExpungeAsync(_account, "INBOX", [uid], CancellationToken.None);

        await _storage.References.ForgetAsync(blobId, CancellationToken.None);

        Assert.Equal(0L, Count("SELECT COUNT(*) FROM search_docs"));
        Assert.Equal(1L, Count("SELECT COUNT(*) FROM search_text"));  // the text waits for a batch
        Assert.Equal(0, await _storage.IndexPendingTextAsync(100, CancellationToken.None));
        Assert.Equal(0L, Count("SELECT COUNT(*) FROM search_text"));
        Assert.Equal(0L, Count("SELECT COUNT(*) FROM search_forgotten"));
    }

    [Fact]
    public async Task Forgotten_texts_are_deleted_a_batch_at_a_time_and_a_row_id_they_leave_is_reused_safely()
    {
        var uids = new List<uint>();
        for (int i = 0; i < SearchIndexWriter.PurgeBatch + 1; i++)
            uids.Add(await AppendAsync("INBOX", $"Subject: n{i}\r\nFrom: a@remote.test\r\n\r\nforgettable {i}\r\n"));
        await IndexAllAsync();
        var blobIds = (await _storage.Mailboxes.GetMessagesAsync(_account, "INBOX", CancellationToken.None)).Select(m => m.Blob.Id).ToList();
        await _storage.Mailboxes.ExpungeAsync(_account, "INBOX", uids, CancellationToken.None);

        foreach (string blobId in blobIds.Take(SearchIndexWriter.PurgeBatch - 1))
            await _storage.References.ForgetAsync(blobId, CancellationToken.None);
        Assert.Equal((long)uids.Count, Count("SELECT COUNT(*) FROM search_text"));
        await _storage.References.ForgetAsync(blobIds[SearchIndexWriter.PurgeBatch - 1], CancellationToken.None);
        Assert.Equal(1L, Count("SELECT COUNT(*) FROM search_text"));     // the hundredth deleted all of them with one statement

        // The newest document forgotten leaves the highest row id, which the next document takes: its old text is gone first.
        await _storage.References.ForgetAsync(blobIds[^1], CancellationToken.None);
        uint fresh = await AppendAsync("INBOX", "Subject: fresh\r\nFrom: b@remote.test\r\n\r\nbrand new text\r\n");
        await IndexAllAsync();
        Assert.Equal(1L, Count("SELECT COUNT(*) FROM search_text"));
        Assert.Equal([fresh], await FindAsync(TextField.Body, "brand new"));
        Assert.Empty(await FindAsync(TextField.Body, "forgettable"));
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
