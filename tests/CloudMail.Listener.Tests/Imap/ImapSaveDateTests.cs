using System.Globalization;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Imap.Model;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// SAVEDATE (RFC 8514) against the real server: the FETCH item, the SAVED* and SAVEDATESUPPORTED search keys, and a new
/// save date for copies and moves; through raw commands, MailKit and Python's imaplib. Messages are delivered with an
/// internal date in 2001, so a save date of today can only come from the save.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapSaveDateTests(ImapServerFixture fixture)
{
    private static readonly DateTimeOffset LongAgo = new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

    private static string Day(DateTimeOffset when) => when.UtcDateTime.ToString("d-MMM-yyyy", CultureInfo.InvariantCulture);

    private async Task<string> SeedAsync(int count = 2)
    {
        string user = await fixture.NewUserAsync();
        for (int i = 1; i <= count; i++)
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m" + i), internalDate: LongAgo);
        return user;
    }

    /// <summary>The SAVEDATE of a FETCH response line, parsed; null for NIL.</summary>
    private static DateTimeOffset? SaveDateOf(string line)
    {
        int at = line.IndexOf("SAVEDATE ", StringComparison.Ordinal);
        Assert.True(at >= 0, line);
        string rest = line[(at + 9)..];
        if (rest.StartsWith("NIL", StringComparison.Ordinal)) return null;
        string text = rest[1..rest.IndexOf('"', 1)];
        return DateTimeOffset.ParseExact(text, "dd-MMM-yyyy HH:mm:ss zzzz", CultureInfo.InvariantCulture);
    }

    private static string FetchLine(List<string> lines, int seq) =>
        lines.Single(l => l.StartsWith($"* {seq} FETCH", StringComparison.Ordinal));

    [Fact]
    public async Task Capability_advertises_savedate()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        string caps = (await c.CommandAsync("a CAPABILITY", "a"))[0];
        Assert.Contains(" SAVEDATE", caps);
    }

    [Fact]
    public async Task Fetch_savedate_is_when_the_message_was_delivered_not_its_internal_date()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        string user = await SeedAsync(1);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s EXAMINE INBOX", "s");

        var lines = await c.CommandAsync("f FETCH 1 (SAVEDATE INTERNALDATE)", "f");

        Assert.Equal("f OK FETCH completed", lines[^1]);
        string line = FetchLine(lines, 1);
        Assert.Contains("INTERNALDATE \"03-Feb-2001 04:05:06 +0000\"", line);
        Assert.Matches("SAVEDATE \"\\d\\d-[A-Z][a-z]{2}-\\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000\"", line);
        var saved = SaveDateOf(line)!.Value;
        Assert.InRange(saved, before, after);
    }

    [Fact]
    public async Task Saved_search_keys_compare_the_save_date_and_savedatesupported_matches_all()
    {
        string user = await SeedAsync(2);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s EXAMINE INBOX", "s");
        string today = Day(DateTimeOffset.UtcNow);
        string tomorrow = Day(DateTimeOffset.UtcNow.AddDays(1));

        Assert.Contains("* SEARCH 1 2", await c.CommandAsync($"a SEARCH SAVEDON {today}", "a"));
        Assert.Contains("* SEARCH 1 2", await c.CommandAsync($"b SEARCH SAVEDSINCE {today}", "b"));
        Assert.Contains("* SEARCH", await c.CommandAsync($"c SEARCH SAVEDBEFORE {today}", "c")); // nothing matched
        Assert.Contains("* SEARCH 1 2", await c.CommandAsync($"d SEARCH SAVEDBEFORE {tomorrow}", "d"));
        Assert.Contains("* SEARCH 1 2", await c.CommandAsync("e SEARCH SAVEDATESUPPORTED", "e"));
        Assert.Contains("* SEARCH 1 2", await c.CommandAsync("f SEARCH ON 3-Feb-2001", "f"));
        Assert.Contains("* SEARCH", await c.CommandAsync("g SEARCH SAVEDON 3-Feb-2001", "g"));
        Assert.Contains("* SEARCH 2", await c.CommandAsync("h SEARCH OR NOT SAVEDATESUPPORTED 2", "h"));
        Assert.StartsWith("i BAD", (await c.CommandAsync("i SEARCH SAVEDON yesterday", "i"))[^1]);
    }

    [Fact]
    public async Task Copy_and_move_give_the_new_message_a_new_save_date_and_the_original_keeps_its_own()
    {
        string user = await SeedAsync(2);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        var original = SaveDateOf(FetchLine(await c.CommandAsync("f FETCH 1 (SAVEDATE)", "f"), 1))!.Value;
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the wire format has whole seconds

        Assert.StartsWith("c OK", (await c.CommandAsync("c COPY 1 Trash", "c"))[^1]);
        Assert.StartsWith("m OK", (await c.CommandAsync("m MOVE 2 Trash", "m"))[^1]);

        Assert.Equal(original, SaveDateOf(FetchLine(await c.CommandAsync("f2 FETCH 1 (SAVEDATE)", "f2"), 1)));
        await c.CommandAsync("s2 EXAMINE Trash", "s2");
        var copies = await c.CommandAsync("f3 FETCH 1:2 (SAVEDATE INTERNALDATE)", "f3");
        foreach (int seq in new[] { 1, 2 })
        {
            string line = FetchLine(copies, seq);
            Assert.True(SaveDateOf(line)!.Value > original, line);
            Assert.Contains("INTERNALDATE \"03-Feb-2001 04:05:06 +0000\"", line); // the internal date is copied as it was
        }
    }

    [Fact]
    public void A_message_without_a_known_save_date_is_searched_by_its_internal_date()
    {
        // Rows stored before migration 14 have no save date (FETCH answers NIL, see the storage tests); RFC 8514 §4.3
        // then compares the internal date.
        var record = new MessageRecord(1, new BlobRef("b", 10, "s"), LongAgo, CloudMail.Core.Mailboxes.MessageFlags.None, [], 1, SaveDate: null);
        var subject = new SearchSubject { Seq = 1, Record = record, SearchTime = DateTimeOffset.UtcNow };
        var view = new SelectedMailbox(new MailboxInfo("INBOX", 1, 2, 1, 1, 1, 10, SpecialUse.None), [record], readOnly: true);

        Assert.True(MessageSearch.Matches(new SearchDate(SearchDateField.Saved, SearchDateComparison.On, new DateOnly(2001, 2, 3)), subject, view));
        Assert.False(MessageSearch.Matches(new SearchDate(SearchDateField.Saved, SearchDateComparison.Since, new DateOnly(2001, 2, 4)), subject, view));
        Assert.True(MessageSearch.Matches(SearchSaveDateSupported.Instance, subject, view));
    }

    [Fact]
    public async Task MailKit_fetches_the_save_date_and_searches_by_it()
    {
        string user = await SeedAsync(2);
        using var client = await fixture.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.SaveDate));
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);

        var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.SaveDate | MessageSummaryItems.InternalDate | MessageSummaryItems.UniqueId);

        Assert.Equal(2, summaries.Count);
        Assert.All(summaries, s =>
        {
            Assert.NotNull(s.SaveDate);
            Assert.Equal(DateTime.UtcNow.Date, s.SaveDate!.Value.UtcDateTime.Date);
            Assert.Equal(LongAgo, s.InternalDate);
        });
        Assert.Equal(2, (await inbox.SearchAsync(SearchQuery.SavedOn(DateTime.UtcNow.Date))).Count);
        Assert.Empty(await inbox.SearchAsync(SearchQuery.SavedBefore(DateTime.UtcNow.Date)));
        Assert.Equal(2, (await inbox.SearchAsync(SearchQuery.SaveDateSupported)).Count);
        await client.DisconnectAsync(true);
    }

    private const string Script = """
        import imaplib, ssl, sys, time
        host, port, user, pw = sys.argv[1:5]
        M = imaplib.IMAP4_SSL(host, int(port), ssl_context=ssl._create_unverified_context())
        M.login(user, pw)
        print('caps', 'SAVEDATE' in M.capabilities)
        M.select('INBOX')
        typ, data = M.fetch('1', '(SAVEDATE)')
        print('fetch', typ, data[0].decode())
        today = time.strftime('%d-%b-%Y', time.gmtime())
        typ, data = M.search(None, 'SAVEDSINCE', today)
        print('savedsince', typ, data[0].decode())
        typ, data = M.uid('SEARCH', 'SAVEDBEFORE', today)
        print('savedbefore', typ, data[0].decode())
        M.logout()
        """;

    [Fact]
    public async Task Imaplib_fetches_and_searches_save_dates()
    {
        string user = await SeedAsync(2);
        int port = fixture.Server.Port(EndpointKind.Imaps);

        var lines = await ImapTest.PythonLinesAsync(Script, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), user, ImapServerFixture.Password);

        Assert.Contains("caps True", lines);
        Assert.Contains(lines, l => l.StartsWith("fetch OK 1 (SAVEDATE \"", StringComparison.Ordinal) && l.EndsWith("+0000\")", StringComparison.Ordinal));
        Assert.Contains("savedsince OK 1 2", lines);
        Assert.Contains("savedbefore OK", lines);
    }
}
