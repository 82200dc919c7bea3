using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Hosting;
using CloudMail.Listener.Tests.Imap;
using MailKit;
using MailKit.Net.Imap;
using MessageFlags = CloudMail.Core.Mailboxes.MessageFlags;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary>
/// <c>cloudmail import</c> and <c>cloudmail export</c> on the storage of a running server, with real files, and what an
/// IMAP client (MailKit) then sees: messages, flags, keywords and INTERNALDATE.
/// </summary>
[Collection(ImapCollection.Name)]
public sealed class ImportExportCommandsTests(ImapServerFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloudmail-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] words)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await new AdminCommands(fixture.Server.Services, new StringReader(""), stdout, stderr).RunAsync(words, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string WriteFile(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(content));
        return path;
    }

    /// <summary>What a client sees of one message.</summary>
    private sealed record Seen(string Subject, MessageFlags Flags, string Keywords, DateTimeOffset InternalDate);

    private async Task<List<Seen>> ReadAsync(string user, string mailbox)
    {
        using ImapClient client = await fixture.ConnectAsync(user);
        IMailFolder folder = await client.GetFolderAsync(mailbox);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        if (folder.Count == 0) return [];
        var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate | MessageSummaryItems.UniqueId);
        return [.. summaries.OrderBy(s => s.UniqueId.Id).Select(s => new Seen(s.Envelope!.Subject ?? "", ToFlags(s.Flags!.Value),
            string.Join(' ', s.Keywords.Order(StringComparer.Ordinal)), s.InternalDate!.Value))];
    }

    private static MessageFlags ToFlags(MailKit.MessageFlags f) =>
        (f.HasFlag(MailKit.MessageFlags.Seen) ? MessageFlags.Seen : 0) | (f.HasFlag(MailKit.MessageFlags.Answered) ? MessageFlags.Answered : 0)
        | (f.HasFlag(MailKit.MessageFlags.Flagged) ? MessageFlags.Flagged : 0) | (f.HasFlag(MailKit.MessageFlags.Deleted) ? MessageFlags.Deleted : 0)
        | (f.HasFlag(MailKit.MessageFlags.Draft) ? MessageFlags.Draft : 0);

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    private const string ThreeMessages =
        "From alice@remote.test Wed Dec  4 05:17:37 2024\nFrom: alice@remote.test\nSubject: read and answered\nStatus: RO\nX-Status: AF\nX-Keywords: $Work\n\nHello\n>From the start of a line\n\n" +
        "From bob@remote.test Thu Jan  2 10:00:00 2025\nFrom: bob@remote.test\nSubject: unread\nStatus: O\n\nSecond\n\n" +
        "From carol@remote.test Fri Feb 14 23:59:59 2025\nFrom: carol@remote.test\nSubject: draft and deleted\nX-Status: TD\n\nThird\n\n";

    [Fact]
    public async Task Mbox_import_keeps_order_flags_keywords_and_internal_dates()
    {
        string user = await fixture.NewUserAsync();
        string mbox = WriteFile("in.mbox", ThreeMessages);

        var (code, output, errors) = await RunAsync("import", "mbox", mbox, "--to", user, "--mailbox", "Old Mail/2024");

        Assert.True(code == 0, output + errors);
        Assert.Contains("imported 3 messages", output);
        Assert.Equal(
        [
            new Seen("read and answered", MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged, "$Work", Utc(2024, 12, 4, 5, 17, 37)),
            new Seen("unread", MessageFlags.None, "", Utc(2025, 1, 2, 10, 0, 0)),
            new Seen("draft and deleted", MessageFlags.Draft | MessageFlags.Deleted, "", Utc(2025, 2, 14, 23, 59, 59)),
        ], await ReadAsync(user, "Old Mail/2024"));
        using ImapClient client = await fixture.ConnectAsync(user);
        IMailFolder folder = await client.GetFolderAsync("Old Mail/2024");
        await folder.OpenAsync(FolderAccess.ReadOnly);
        using var raw = new StreamReader(await folder.GetStreamAsync(0, ""), Encoding.UTF8); // BODY.PEEK[]: the stored bytes
        string first = await raw.ReadToEndAsync();
        Assert.Contains("\r\nFrom the start of a line\r\n", first); // mboxrd quoting undone, CRLF line ends
        Assert.DoesNotContain("X-Status", first);
        Assert.DoesNotContain("Status:", first);
    }

    [Fact]
    public async Task Importing_the_same_mbox_again_adds_no_duplicates_but_identical_messages_of_one_source_all_count()
    {
        string user = await fixture.NewUserAsync();
        string twin = "From x Wed Dec  4 05:17:37 2024\nSubject: twin\n\nsame bytes\n\n";
        string mbox = WriteFile("twice.mbox", ThreeMessages + twin + twin);

        var first = await RunAsync("import", "mbox", mbox, "--to", user);
        var again = await RunAsync("import", "mbox", mbox, "--to", user);

        Assert.Equal((0, 0), (first.Code, again.Code));
        Assert.Contains("imported 5 messages", first.Out);
        Assert.Contains("imported 0 messages", again.Out);
        Assert.Contains("5 already present", again.Out);
        Assert.Equal(5, (await ReadAsync(user, "INBOX")).Count);
    }

    [Fact]
    public async Task A_malformed_and_truncated_mbox_reports_line_numbers_and_imports_every_good_message()
    {
        string user = await fixture.NewUserAsync();
        string mbox = WriteFile("bad.mbox",
            "not a separator\n\n" +                                                   // lines 1-2
            "From a Wed Dec  4 05:17:37 2024\nno header here\n\n" +                   // lines 3-5
            "From b Wed Dec  4 05:17:38 2024\nSubject: good one\n\nbody\n\n" +        // lines 6-10
            "From d Wed Dec  4 05:17:40 2024\nStatus: RO\nX-Status: F\n\n" +           // lines 11-14
            "From c Wed Dec  4 05:17:39 2024\nSubject: cut\n\nhalf a li");            // lines 15-18

        var (code, output, errors) = await RunAsync("import", "mbox", mbox, "--to", user);

        Assert.Equal(1, code);
        Assert.Contains($"{mbox}:1: ", errors);
        Assert.Contains($"{mbox}:4: the message does not begin with a header field", errors);
        Assert.Contains($"{mbox}:11: the message holds nothing but mbox state fields", errors);
        Assert.Contains($"{mbox}:18: the file ends inside a line", errors);
        Assert.Contains("imported 1 messages", output);
        Assert.Equal("good one", Assert.Single(await ReadAsync(user, "INBOX")).Subject);
    }

    [Fact]
    public async Task Maildir_import_takes_flags_from_file_names_dates_from_mtimes_and_subfolders_as_mailboxes()
    {
        string user = await fixture.NewUserAsync();
        string root = Path.Combine(_folder, "Maildir");
        MaildirMessage(root, "cur", "1700000001.M1P1.host,S=50:2,RS", "answered and seen", Utc(2023, 11, 14, 22, 13, 21));
        MaildirMessage(root, "new", "1700000002.M2P1.host", "new one", Utc(2023, 11, 15, 8, 0, 0));
        MaildirMessage(root, ".Archive.2023", "cur", "1600000000.M3P1.host:2,FTb", "flagged trashed keyword", Utc(2020, 9, 13, 12, 26, 40));
        File.WriteAllText(Path.Combine(root, ".Archive.2023", "dovecot-keywords"), "0 $Junk\n1 Invoices\n");
        Directory.CreateDirectory(Path.Combine(root, ".Empty", "cur"));
        MaildirMessage(root, ".Bad..Name", "cur", "1600000001.M4P1.host:2,S", "in a folder no mailbox can be named", Utc(2020, 9, 13, 12, 26, 41));

        var (code, output, errors) = await RunAsync("import", "maildir", root, "--to", user);

        Assert.True(code == 1, output + errors); // one folder skipped
        Assert.Contains($"{Path.Combine(root, ".Bad..Name")}: 'Bad//Name' cannot be a mailbox name; the folder was skipped", errors);
        Assert.Contains("imported 3 messages", output);
        Assert.Equal(
        [
            new Seen("answered and seen", MessageFlags.Seen | MessageFlags.Answered, "", Utc(2023, 11, 14, 22, 13, 21)),
            new Seen("new one", MessageFlags.None, "", Utc(2023, 11, 15, 8, 0, 0)),
        ], await ReadAsync(user, "INBOX"));
        Assert.Equal([new Seen("flagged trashed keyword", MessageFlags.Flagged | MessageFlags.Deleted, "Invoices", Utc(2020, 9, 13, 12, 26, 40))],
            await ReadAsync(user, "Archive/2023"));

        var again = await RunAsync("import", "maildir", root, "--to", user);
        Assert.Contains("imported 0 messages", again.Out);
        Assert.Contains("3 already present", again.Out);
    }

    private static void MaildirMessage(string root, string sub, string name, string subject, DateTimeOffset date) =>
        MaildirMessage(root, "", sub, name, subject, date);

    private static void MaildirMessage(string root, string folder, string sub, string name, string subject, DateTimeOffset date)
    {
        string dir = Path.Combine(root, folder, sub);
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(Path.Combine(root, "cur"));
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, $"From: someone@remote.test\nSubject: {subject}\n\nbody of {subject}\n");
        File.SetLastWriteTimeUtc(path, date.UtcDateTime);
    }

    [Theory]
    [InlineData("mbox")]
    [InlineData("maildir")]
    public async Task Export_then_import_into_another_user_gives_the_same_mailboxes_messages_flags_and_dates(string format)
    {
        string alice = await fixture.NewUserAsync();
        string bob = await fixture.NewUserAsync();
        await fixture.Server.Get<IMailboxIndex>().CreateMailboxAsync(alice, "Projects/Zürich.v2", SpecialUse.None, CancellationToken.None);
        await ImapTest.DeliverAsync(fixture.Server, alice, "INBOX", ImapTest.TextMessage("hello", "From the start\r\n>From quoted\r\nend"), MessageFlags.Seen, Utc(2024, 5, 6, 7, 8, 9), ["$Label1"]);
        await ImapTest.DeliverAsync(fixture.Server, alice, "INBOX", ImapTest.TextMessage("plain"), MessageFlags.None, Utc(2024, 5, 7, 0, 0, 0));
        await ImapTest.DeliverAsync(fixture.Server, alice, "Projects/Zürich.v2", ImapTest.TextMessage("deep"), MessageFlags.Flagged | MessageFlags.Draft, Utc(2021, 1, 1, 1, 1, 1));
        string target = Path.Combine(_folder, "export-" + format);

        var export = await RunAsync("export", alice, "--format", format, target);
        var import = await RunAsync("import", format, target, "--to", bob);

        Assert.True(export.Code == 0, export.Out + export.Err);
        Assert.True(import.Code == 0, import.Out + import.Err);
        Assert.Contains("imported 3 messages", import.Out);
        foreach (string mailbox in new[] { "INBOX", "Projects/Zürich.v2" })
        {
            Assert.Equal(await ReadAsync(alice, mailbox), await ReadAsync(bob, mailbox));
            Assert.Equal(await HashesAsync(alice, mailbox), await HashesAsync(bob, mailbox)); // byte for byte
        }
    }

    private async Task<List<string>> HashesAsync(string user, string mailbox) =>
        [.. (await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, mailbox, CancellationToken.None)).Select(m => m.Blob.Sha256)];

    [Fact]
    public async Task Export_of_one_mailbox_to_an_mbox_file_reads_back_with_mutt_conventions()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("answered"), MessageFlags.Seen | MessageFlags.Answered, Utc(2024, 2, 29, 12, 0, 0));
        string file = Path.Combine(_folder, "inbox.mbox");

        var (code, output, _) = await RunAsync("export", user, "--format", "mbox", file, "--mailbox", "inbox");

        Assert.Equal(0, code);
        Assert.Contains("exported 1 messages in 1 mailboxes", output);
        string text = await File.ReadAllTextAsync(file);
        Assert.StartsWith("From MAILER-DAEMON Thu Feb 29 12:00:00 2024\nFrom: Alice <alice@remote.test>\n", text, StringComparison.Ordinal);
        Assert.Contains("\nStatus: RO\nX-Status: A\n\nHello there.\n\n", text);
        Assert.DoesNotContain("\r", text);
    }

    [Theory]
    [InlineData("import", "mbox", "x.mbox")]
    [InlineData("import", "tar", "x", "--to", "u@example.test")]
    [InlineData("import", "mbox", "x.mbox", "--to", "u@example.test", "--bogus", "1")]
    [InlineData("export", "u@example.test", "out")]
    [InlineData("export", "u@example.test", "--format", "pst", "out")]
    public async Task Wrong_usage_exits_with_2(params string[] words) => Assert.Equal(2, (await RunAsync(words)).Code);

    [Fact]
    public async Task Unknown_users_missing_sources_and_mailboxes_are_errors()
    {
        string user = await fixture.NewUserAsync();
        string mbox = WriteFile("one.mbox", ThreeMessages);
        var noUser = await RunAsync("import", "mbox", mbox, "--to", "nobody@example.test");
        var noFile = await RunAsync("import", "mbox", Path.Combine(_folder, "missing.mbox"), "--to", user);
        var noMaildir = await RunAsync("import", "maildir", _folder, "--to", user);
        var noMailbox = await RunAsync("export", user, "--format", "mbox", Path.Combine(_folder, "o.mbox"), "--mailbox", "Nope");
        var badName = await RunAsync("import", "mbox", mbox, "--to", user, "--mailbox", "a//b");
        Directory.CreateDirectory(Path.Combine(_folder, "no-mbox-files"));
        var noMboxFiles = await RunAsync("import", "mbox", Path.Combine(_folder, "no-mbox-files"), "--to", user);
        Assert.Equal((1, 1, 1, 1, 1, 1), (noUser.Code, noFile.Code, noMaildir.Code, noMailbox.Code, badName.Code, noMboxFiles.Code));
        Assert.Contains("'a//b' is not a mailbox name", badName.Err);
        Assert.Contains("holds no *.mbox files", noMboxFiles.Err);
        Assert.Contains("no such user", noUser.Err);
        Assert.Contains("does not exist", noFile.Err);
        Assert.Contains("is not a Maildir", noMaildir.Err);
        Assert.Contains("has no mailbox Nope", noMailbox.Err);
    }
}
