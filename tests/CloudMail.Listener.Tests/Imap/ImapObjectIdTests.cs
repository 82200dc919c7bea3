using System.Text.RegularExpressions;
using MailKit;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// OBJECTID (RFC 8474) against the real server: MAILBOXID after CREATE and SELECT and in STATUS, kept over RENAME and
/// never reused; EMAILID kept by COPY and MOVE and searchable; THREADID NIL. MailKit reads them as a client would
/// (<see cref="IMailFolder.Id"/>, <see cref="IMessageSummary.EmailId"/>); raw commands check the wire forms.
/// </summary>
[Collection(ImapCollection.Name)]
public partial class ImapObjectIdTests(ImapServerFixture fixture)
{
    [GeneratedRegex(@"MAILBOXID \(([A-Za-z0-9_-]{1,255})\)")]
    private static partial Regex MailboxIdPattern();

    private static string MailboxIdIn(IEnumerable<string> lines) =>
        lines.Select(l => MailboxIdPattern().Match(l)).First(m => m.Success).Groups[1].Value;

    [Fact]
    public async Task Mailbox_ids_come_with_create_select_and_status_and_survive_a_rename()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);

        string created = MailboxIdIn(await c.CommandAsync("a CREATE Projects", "a"));
        string selected = MailboxIdIn(await c.CommandAsync("b SELECT Projects", "b"));
        Assert.Equal(created, selected);
        await c.CommandAsync("c UNSELECT", "c");
        Assert.Contains(await c.CommandAsync("d RENAME Projects Archive/Projects", "d"), l => l.StartsWith("d OK", StringComparison.Ordinal));
        Assert.Equal(created, MailboxIdIn(await c.CommandAsync("e STATUS Archive/Projects (MAILBOXID MESSAGES)", "e")));

        // A mailbox created under the old name later is another mailbox: another id, and INBOX has its own.
        string again = MailboxIdIn(await c.CommandAsync("f CREATE Projects", "f"));
        Assert.NotEqual(created, again);
        Assert.NotEqual(created, MailboxIdIn(await c.CommandAsync("g STATUS INBOX (MAILBOXID)", "g")));
        Assert.Contains("* STATUS Projects (MAILBOXID (" + again + "))", await c.CommandAsync("h STATUS Projects (MAILBOXID)", "h"));
    }

    [Fact]
    public async Task MailKit_sees_email_ids_kept_by_copy_and_move_and_no_thread_ids_and_SEARCH_EMAILID_finds_them()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("first"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("second"));
        string first, second;
        using (var client = await fixture.ConnectAsync(user))
        {
            Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.ObjectID));
            var inbox = client.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadWrite);
            Assert.False(string.IsNullOrEmpty(inbox.Id));
            var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.EmailId | MessageSummaryItems.ThreadId | MessageSummaryItems.UniqueId);
            first = summaries[0].EmailId!;
            second = summaries[1].EmailId!;
            Assert.NotEqual(first, second);
            Assert.All(summaries, s => Assert.Null(s.ThreadId));

            var kept = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Kept", true);
            Assert.NotNull(kept);
            Assert.False(string.IsNullOrEmpty(kept!.Id));
            Assert.NotEqual(inbox.Id, kept.Id);
            await inbox.CopyToAsync(summaries[0].UniqueId, kept);
            await inbox.MoveToAsync(summaries[1].UniqueId, kept);
            await kept.OpenAsync(FolderAccess.ReadOnly);
            var copies = await kept.FetchAsync(0, -1, MessageSummaryItems.EmailId);
            Assert.Equal(new[] { first, second }.Order(), copies.Select(s => s.EmailId).Order());
            await client.DisconnectAsync(true);
        }

        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Contains("* SEARCH 1", await c.CommandAsync($"a UID SEARCH EMAILID {first}", "a"));
        Assert.Contains("* SEARCH", await c.CommandAsync($"b UID SEARCH EMAILID {second}", "b")); // moved away: nothing
        Assert.DoesNotContain(await c.CommandAsync($"b2 UID SEARCH EMAILID {second}", "b2"), l => l.StartsWith("* SEARCH ", StringComparison.Ordinal));
        Assert.Contains("* SEARCH", await c.CommandAsync("c SEARCH THREADID T1", "c"));
        Assert.Contains(await c.CommandAsync("d FETCH 1 (EMAILID THREADID)", "d"), l => l == $"* 1 FETCH (EMAILID ({first}) THREADID NIL)");
    }

    [Fact]
    public async Task A_malformed_object_id_is_BAD_and_the_session_goes_on()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");

        Assert.StartsWith("a BAD", (await c.CommandAsync("a SEARCH EMAILID E.1", "a"))[^1]);
        Assert.StartsWith("b BAD", (await c.CommandAsync("b SEARCH EMAILID", "b"))[^1]);
        Assert.StartsWith("c OK", (await c.CommandAsync("c SEARCH EMAILID Enothing", "c"))[^1]);
    }
}
