using CloudMail.Core.Mailboxes;
using MailKit;
using MailKit.Net.Imap;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>QRESYNC (RFC 7162 §3.2): resynchronising a mailbox from a UIDVALIDITY and a MODSEQ, VANISHED instead of EXPUNGE.</summary>
[Collection(ImapCollection.Name)]
public class ImapQResyncTests(ImapServerFixture fixture)
{
    private async Task<(string User, RawImapClient Client)> LoginAsync()
    {
        string user = await fixture.NewUserAsync();
        return (user, await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password));
    }

    private async Task<IReadOnlyList<MessageRecord>> InboxAsync(string user) =>
        await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None);

    [Fact]
    public async Task Select_with_qresync_reports_what_vanished_and_what_changed_since_the_clients_modseq()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        for (int i = 1; i <= 5; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m" + i));
        var before = await InboxAsync(user);
        var info = (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "INBOX", CancellationToken.None))!;
        ulong known = info.HighestModSeq;
        // Since then: 2 and 4 expunged elsewhere, 3 flagged, a sixth message arrived.
        var index = fixture.Server.Get<IMailboxIndex>();
        await index.ExpungeAsync(user, "INBOX", [before[1].Uid, before[3].Uid], CancellationToken.None);
        await index.UpdateFlagsAsync(user, "INBOX", [before[2].Uid], new FlagUpdate(FlagUpdateMode.Add, Core.Mailboxes.MessageFlags.Flagged, []), null, CancellationToken.None);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m6"));
        var after = await InboxAsync(user);

        Assert.StartsWith("q BAD", (await c.CommandAsync($"q SELECT INBOX (QRESYNC ({info.UidValidity} {known}))", "q"))[^1]);
        Assert.Equal(["* ENABLED QRESYNC", "e OK ENABLE completed"], await c.CommandAsync("e ENABLE QRESYNC", "e"));
        var lines = await c.CommandAsync($"s SELECT INBOX (QRESYNC ({info.UidValidity} {known} 1:{before[^1].Uid}))", "s");

        Assert.Contains($"* VANISHED (EARLIER) {before[1].Uid},{before[3].Uid}", lines);
        var flagged = after.Single(m => m.Uid == before[2].Uid);
        Assert.Contains($"* 2 FETCH (FLAGS (\\Flagged \\Recent) UID {flagged.Uid} MODSEQ ({flagged.ModSeq}))", lines);
        Assert.Contains(lines, l => l.StartsWith("* 4 FETCH (FLAGS (\\Recent) UID ", StringComparison.Ordinal)); // m6, new since
        Assert.DoesNotContain(lines, l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal)); // unchanged
        Assert.Equal("s OK [READ-WRITE] SELECT completed", lines[^1]);

        // Selecting again while one is selected: the first is CLOSED (RFC 7162 §3.2.11).
        var again = await c.CommandAsync("t EXAMINE INBOX", "t");
        Assert.Equal("* OK [CLOSED] Previous mailbox closed", again[0]);
    }

    [Fact]
    public async Task With_qresync_every_fetch_response_carries_the_uid()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        uint uid = await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m1"));
        await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent))", (await c.CommandAsync("a FETCH 1 (FLAGS)", "a"))[0]); // no UID asked, none given
        await c.CommandAsync("u UNSELECT", "u");
        await c.CommandAsync("e ENABLE QRESYNC", "e");
        await c.CommandAsync("t SELECT INBOX", "t");
        // Expunges now come as VANISHED, by UID only (RFC 7162 §3.2.10): every FETCH tells the UID, as Dovecot's do.
        Assert.Equal($"* 1 FETCH (UID {uid} FLAGS ())", (await c.CommandAsync("b FETCH 1 (FLAGS)", "b"))[0]); // \Recent went to the first SELECT
    }

    [Fact]
    public async Task With_qresync_expunges_are_reported_as_vanished_and_uid_fetch_vanished_lists_the_earlier_ones()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        for (int i = 1; i <= 4; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m" + i));
        var all = await InboxAsync(user);
        await c.CommandAsync("e ENABLE QRESYNC", "e");
        await c.CommandAsync("s SELECT INBOX", "s");
        ulong modSeq = all.Max(m => m.ModSeq);

        await c.CommandAsync("a STORE 1:2 +FLAGS.SILENT (\\Deleted)", "a");
        var expunged = await c.CommandAsync("x EXPUNGE", "x");
        ulong afterExpunge = await HighestModSeqAsync(user);
        Assert.Equal([$"* VANISHED {all[0].Uid}:{all[1].Uid}", $"x OK [HIGHESTMODSEQ {afterExpunge}] EXPUNGE completed"], expunged);

        await fixture.Server.Get<IMailboxIndex>().ExpungeAsync(user, "INBOX", [all[3].Uid], CancellationToken.None);
        var fetched = await c.CommandAsync($"f UID FETCH 1:* (FLAGS) (CHANGEDSINCE {modSeq} VANISHED)", "f");
        Assert.Equal($"* VANISHED (EARLIER) {all[0].Uid}:{all[1].Uid},{all[3].Uid}", fetched[0]);
        Assert.StartsWith("g BAD", (await c.CommandAsync($"g FETCH 1:* (FLAGS) (CHANGEDSINCE {modSeq} VANISHED)", "g"))[^1]); // needs UID FETCH
        var noop = await c.CommandAsync("n NOOP", "n");
        Assert.Contains($"* VANISHED {all[3].Uid}", noop);
        Assert.DoesNotContain(noop, l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_qresync_close_gives_the_highestmodseq_past_its_silent_expunge_unless_another_change_is_unseen()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        for (int i = 1; i <= 4; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m" + i));
        var all = await InboxAsync(user);
        var info = (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "INBOX", CancellationToken.None))!;
        await c.CommandAsync("e ENABLE QRESYNC", "e");
        await c.CommandAsync("s SELECT INBOX", "s");

        await c.CommandAsync("a STORE 1 +FLAGS.SILENT (\\Deleted)", "a");
        var closed = await c.CommandAsync("c CLOSE", "c");
        ulong afterClose = await HighestModSeqAsync(user);
        Assert.Equal([$"c OK [HIGHESTMODSEQ {afterClose}] CLOSE completed"], closed); // RFC 7162 §3.2.8; no untagged response
        var resynced = await c.CommandAsync($"r SELECT INBOX (QRESYNC ({info.UidValidity} {afterClose}))", "r");
        Assert.DoesNotContain(resynced, l => l.StartsWith("* VANISHED", StringComparison.Ordinal) || l.Contains(" FETCH ", StringComparison.Ordinal));

        // Another session flags message 3 while this one has the mailbox selected: a value past that change would let the
        // client skip it, so CLOSE leaves the code out.
        await c.CommandAsync("b STORE 1 +FLAGS.SILENT (\\Deleted)", "b");
        await fixture.Server.Get<IMailboxIndex>().UpdateFlagsAsync(user, "INBOX", [all[2].Uid],
            new FlagUpdate(FlagUpdateMode.Add, Core.Mailboxes.MessageFlags.Flagged, []), null, CancellationToken.None);
        Assert.Equal(["d OK CLOSE completed"], await c.CommandAsync("d CLOSE", "d"));
        Assert.Equal(2, (await InboxAsync(user)).Count);

        // Without QRESYNC a CLOSE carries no code.
        var (plainUser, plain) = await LoginAsync();
        await using var _p = plain;
        await ImapTest.DeliverAsync(fixture.Server, plainUser, "INBOX", ImapTest.TextMessage("p1"));
        await plain.CommandAsync("s SELECT INBOX", "s");
        await plain.CommandAsync("a STORE 1 +FLAGS.SILENT (\\Deleted)", "a");
        Assert.Equal(["c OK CLOSE completed"], await plain.CommandAsync("c CLOSE", "c"));
        Assert.Empty(await InboxAsync(plainUser));
    }

    private async Task<ulong> HighestModSeqAsync(string user, string mailbox = "INBOX") =>
        (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, mailbox, CancellationToken.None))!.HighestModSeq;

    /// <summary>
    /// A CONDSTORE client tracks HIGHESTMODSEQ from what the server tells it; changes that carry no MODSEQ of their own
    /// (arrivals, expunges) are followed by the new value, as Dovecot does, or a resynchronizing client (interimap,
    /// RFC 4549 style) takes the arrivals' MODSEQs for changes made since and reports false conflicts.
    /// </summary>
    [Fact]
    public async Task The_client_learns_every_new_modseq_silent_stores_arrivals_expunges_and_moves()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        for (int i = 1; i <= 3; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("s" + i));
        var all = await InboxAsync(user);
        await c.CommandAsync("e ENABLE QRESYNC", "e");
        await c.CommandAsync("s SELECT INBOX", "s");

        // RFC 7162 §3.1.3: even .SILENT answers with the new MODSEQ once CONDSTORE is on.
        var stored = await c.CommandAsync($"a UID STORE {all[0].Uid} +FLAGS.SILENT (\\Seen)", "a");
        ulong seenModSeq = (await InboxAsync(user))[0].ModSeq;
        Assert.Equal([$"* 1 FETCH (UID {all[0].Uid} MODSEQ ({seenModSeq}))", "a OK UID STORE completed"], stored);

        // An arrival: EXISTS, then the HIGHESTMODSEQ that covers it.
        var appended = await c.CommandAsync("b APPEND INBOX {5+}\r\nhello", "b");
        ulong afterAppend = await HighestModSeqAsync(user);
        Assert.Equal("* 4 EXISTS", appended[0]);
        Assert.Equal($"* OK [HIGHESTMODSEQ {afterAppend}] Highest", appended[^2]); // after RECENT (IMAP4rev1)
        Assert.StartsWith("b OK [APPENDUID ", appended[^1], StringComparison.Ordinal);

        // An expunge by another session is held back during FETCH (RFC 3501 §7.4.1), and so is the HIGHESTMODSEQ past it.
        await fixture.Server.Get<IMailboxIndex>().ExpungeAsync(user, "INBOX", [all[1].Uid], CancellationToken.None);
        ulong afterOtherExpunge = await HighestModSeqAsync(user);
        var fetched = await c.CommandAsync("f FETCH 1 (FLAGS)", "f");
        Assert.DoesNotContain(fetched, l => l.Contains("HIGHESTMODSEQ", StringComparison.Ordinal) || l.StartsWith("* VANISHED", StringComparison.Ordinal));
        Assert.Equal([$"* VANISHED {all[1].Uid}", $"* OK [HIGHESTMODSEQ {afterOtherExpunge}] Highest", "n OK NOOP completed"], await c.CommandAsync("n NOOP", "n"));

        // MOVE: VANISHED, then the value after the move (RFC 6851 §4.4 with RFC 7162).
        var moved = await c.CommandAsync($"m UID MOVE {all[2].Uid} Trash", "m");
        ulong afterMove = await HighestModSeqAsync(user);
        Assert.Equal([$"* VANISHED {all[2].Uid}", $"* OK [HIGHESTMODSEQ {afterMove}] Highest", "m OK UID MOVE completed"], moved[1..]);

        // Nothing new: nothing said again.
        Assert.Equal(["z OK NOOP completed"], await c.CommandAsync("z NOOP", "z"));
    }

    [Fact]
    public async Task MailKit_resynchronises_with_quick_resync_and_sees_the_vanished_uids()
    {
        string user = await fixture.NewUserAsync();
        for (int i = 1; i <= 3; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("k" + i));
        var all = await InboxAsync(user);
        var info = (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "INBOX", CancellationToken.None))!;
        await fixture.Server.Get<IMailboxIndex>().ExpungeAsync(user, "INBOX", [all[1].Uid], CancellationToken.None);

        using ImapClient client = await fixture.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.QuickResync));
        await client.EnableQuickResyncAsync();
        var inbox = client.Inbox;
        var vanished = new List<UniqueId>();
        inbox.MessagesVanished += (_, e) => vanished.AddRange(e.UniqueIds);
        await inbox.OpenAsync(FolderAccess.ReadWrite, info.UidValidity, info.HighestModSeq, [.. all.Select(m => new UniqueId(m.Uid))]);

        Assert.Equal([new UniqueId(all[1].Uid)], vanished);
        Assert.Equal(2, inbox.Count);
    }
}
