using MailKit;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// NOTIFY (RFC 5465) on the wire: a raw client that never IDLEs hears about changes a second client (MailKit) or
/// delivery makes, between its own commands.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapNotifyTests(ImapServerFixture fixture)
{
    private const string Supported = "BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)";

    [Fact]
    public async Task Notify_is_advertised()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            var lines = await c.CommandAsync("c CAPABILITY", "c");
            Assert.Contains(" NOTIFY", lines[0]);
        }
    }

    [Fact]
    public async Task Selected_and_inboxes_push_EXISTS_and_STATUS_without_idle()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            await c.CommandAsync("a CREATE Work", "a");
            await c.CommandAsync("s SELECT Work", "s");
            Assert.Equal(["n OK NOTIFY completed"],
                await c.CommandAsync("n NOTIFY SET (selected (MessageNew MessageExpunge)) (inboxes (MessageNew MessageExpunge))", "n"));

            await ImapTest.DeliverAsync(fixture.Server, user, "Work", ImapTest.TextMessage("to work"));
            Assert.Equal("* 1 EXISTS", await c.ReadLineAsync());
            Assert.Equal("* 1 RECENT", await c.ReadLineAsync());

            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("to inbox"));
            Assert.Matches(@"^\* STATUS INBOX \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+\)$", await c.ReadLineAsync());
            Assert.Equal(["x OK NOOP completed"], await c.CommandAsync("x NOOP", "x"));
        }
    }

    [Fact]
    public async Task MessageNew_fetch_att_list_follows_EXISTS_with_FETCH_and_leaves_the_message_unseen()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            await c.CommandAsync("a CREATE Feed", "a");
            await c.CommandAsync("s SELECT Feed", "s");
            Assert.Equal(["n OK NOTIFY completed"], await c.CommandAsync(
                "n NOTIFY SET (selected (MessageNew (FLAGS RFC822.SIZE BODY[HEADER.FIELDS (SUBJECT)]) MessageExpunge))", "n"));

            await ImapTest.DeliverAsync(fixture.Server, user, "Feed", ImapTest.TextMessage("pushed subject"));
            Assert.Equal("* 1 EXISTS", await c.ReadLineAsync());
            Assert.Equal("* 1 RECENT", await c.ReadLineAsync());
            // RFC 5465 §5.2: the requested data of the new message, with its UID, without a FETCH from the client.
            string fetch = (await c.ReadLineAsync())!;
            Assert.Matches(@"^\* 1 FETCH \(UID 1 FLAGS \(\\Recent\) RFC822\.SIZE \d+ BODY\[HEADER\.FIELDS \(SUBJECT\)\] \{\d+\}$", fetch);
            Assert.Equal("Subject: pushed subject", await c.ReadLineAsync());
            Assert.Equal("", await c.ReadLineAsync());
            Assert.Equal(")", await c.ReadLineAsync());

            // Not \Seen: the push is a peek.
            var lines = await c.CommandAsync("f FETCH 1 (FLAGS)", "f");
            Assert.Equal(@"* 1 FETCH (FLAGS (\Recent))", lines[0]);
        }
    }

    [Fact]
    public async Task Notify_set_status_sends_the_initial_status_and_HIGHESTMODSEQ_with_condstore()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("first"));
            await c.CommandAsync("e ENABLE CONDSTORE", "e");
            var lines = await c.CommandAsync("n NOTIFY SET STATUS (inboxes (MessageNew MessageExpunge FlagChange))", "n");
            Assert.Matches(@"^\* STATUS INBOX \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ HIGHESTMODSEQ \d+\)$", lines[0]);
            Assert.Equal("n OK NOTIFY completed", lines[^1]);
            Assert.Equal(2, lines.Count);
        }
    }

    [Fact]
    public async Task Notify_set_status_with_flagchange_sends_HIGHESTMODSEQ_without_condstore()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("first"));
            // RFC 5465 §5.2: flag changes show only in HIGHESTMODSEQ, so FlagChange brings it even before CONDSTORE is on.
            var lines = await c.CommandAsync("n NOTIFY SET STATUS (inboxes (MessageNew MessageExpunge FlagChange))", "n");
            Assert.Matches(@"^\* STATUS INBOX \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ HIGHESTMODSEQ \d+\)$", lines[0]);
            lines = await c.CommandAsync("m NOTIFY SET STATUS (inboxes (MessageNew MessageExpunge))", "m");
            Assert.Matches(@"^\* STATUS INBOX \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+\)$", lines[0]);
        }
    }

    [Fact]
    public async Task Flag_changes_by_another_client_are_pushed_for_selected_and_other_mailboxes()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("flag me"));
            await c.CommandAsync("a CREATE Work", "a");
            await ImapTest.DeliverAsync(fixture.Server, user, "Work", ImapTest.TextMessage("flag me too"));
            await c.CommandAsync("s SELECT INBOX", "s");
            await c.CommandAsync("n NOTIFY SET (selected (MessageNew MessageExpunge FlagChange)) (personal (MessageNew MessageExpunge FlagChange))", "n");

            using var other = await fixture.ConnectAsync(user);
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await other.Inbox.AddFlagsAsync(0, MailKit.MessageFlags.Flagged, true);
            string fetch = (await c.ReadLineAsync())!;
            Assert.StartsWith("* 1 FETCH (FLAGS (", fetch);
            Assert.Contains(@"\Flagged", fetch);

            var work = await other.GetFolderAsync("Work");
            await work.OpenAsync(FolderAccess.ReadWrite);
            await work.AddFlagsAsync(0, MailKit.MessageFlags.Seen, true);
            // The flag change shows only as a new HIGHESTMODSEQ (FlagChange brings it, CONDSTORE or not).
            Assert.Matches(@"^\* STATUS Work \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ HIGHESTMODSEQ \d+\)$", await c.ReadLineAsync());
            await other.DisconnectAsync(true);
        }
    }

    [Fact]
    public async Task Mailbox_create_rename_delete_and_subscribe_give_LIST()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            await c.CommandAsync("n NOTIFY SET (personal (MailboxName SubscriptionChange))", "n");
            using var other = await fixture.ConnectAsync(user);
            var root = other.GetFolder(other.PersonalNamespaces[0])!;

            var projects = (await root.CreateAsync("Projects", true))!;
            Assert.Equal("* LIST () \"/\" Projects", await c.ReadLineAsync());
            await projects.SubscribeAsync();
            Assert.Equal("* LIST (\\Subscribed) \"/\" Projects", await c.ReadLineAsync());
            await projects.UnsubscribeAsync();
            Assert.Equal("* LIST () \"/\" Projects", await c.ReadLineAsync());
            await projects.RenameAsync(root, "Done");
            Assert.Equal("* LIST () \"/\" Done (\"OLDNAME\" (Projects))", await c.ReadLineAsync());
            await projects.DeleteAsync();
            Assert.Equal("* LIST (\\NonExistent) \"/\" Done", await c.ReadLineAsync());
            await other.DisconnectAsync(true);
        }
    }

    [Fact]
    public async Task Notify_none_stops_notifications()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            await c.CommandAsync("n NOTIFY SET (inboxes (MessageNew MessageExpunge))", "n");
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("heard"));
            Assert.StartsWith("* STATUS INBOX (MESSAGES 1 ", await c.ReadLineAsync());
            Assert.Equal(["m OK NOTIFY completed"], await c.CommandAsync("m NOTIFY NONE", "m"));
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("not heard"));
            await Task.Delay(TimeSpan.FromSeconds(3)); // past the fixture's 2 s poll interval
            Assert.Equal(["x OK NOOP completed"], await c.CommandAsync("x NOOP", "x"));
        }
    }

    [Theory]
    [InlineData("b NOTIFY SET (selected (MessageNew MessageExpunge AnnotationChange))")]
    [InlineData("b NOTIFY SET (personal (MailboxMetadataChange))")]
    [InlineData("b NOTIFY SET (inboxes (MessageNew MessageExpunge SomethingElse))")]
    public async Task Unsupported_events_are_NO_BADEVENT(string command)
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            var lines = await c.CommandAsync(command, "b");
            Assert.StartsWith("b NO [" + Supported + "]", lines[^1]);
        }
    }

    [Theory]
    [InlineData("b NOTIFY SET (selected (MessageNew))")] // §5: MessageNew needs MessageExpunge
    [InlineData("b NOTIFY SET (selected (MessageExpunge))")]
    [InlineData("b NOTIFY SET (personal (FlagChange))")] // §5: FlagChange needs both
    [InlineData("b NOTIFY SET (inboxes (MessageNew (uid) MessageExpunge))")] // §8: fetch-att only for SELECTED
    [InlineData("b NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed (MessageNew MessageExpunge))")]
    [InlineData("b NOTIFY SET (selected (MailboxName))")]
    [InlineData("b NOTIFY SET (nowhere (MessageNew MessageExpunge))")]
    [InlineData("b NOTIFY SET")]
    [InlineData("b NOTIFY SOMETIMES")]
    public async Task Forbidden_combinations_and_bad_syntax_are_BAD_and_the_session_goes_on(string command)
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            var lines = await c.CommandAsync(command, "b");
            Assert.StartsWith("b BAD", lines[^1]);
            Assert.Equal(["x OK NOOP completed"], await c.CommandAsync("x NOOP", "x"));
        }
    }

    [Fact]
    public async Task Rfc_5465_examples_are_accepted()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using (c)
        {
            await c.CommandAsync("a CREATE Lists/misc", "a");
            await c.CommandAsync("s SELECT INBOX", "s");
            // §3.1 as corrected by errata 1804, with MessageExpunge beside MessageNew as §5 requires.
            var lines = await c.CommandAsync(
                "b notify set status (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))", "b");
            Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\* STATUS Lists/misc \(MESSAGES 0 UIDNEXT 1 UIDVALIDITY \d+\)$"));
            Assert.DoesNotContain(lines, l => l.StartsWith("* STATUS INBOX", StringComparison.Ordinal)); // selected: not reported as STATUS
            Assert.Equal("b OK NOTIFY completed", lines[^1]);
            Assert.Equal(["c OK NOTIFY completed"],
                await c.CommandAsync("c NOTIFY SET (selected-delayed (MessageNew MessageExpunge FlagChange)) (mailboxes (INBOX Lists) (MessageNew MessageExpunge)) (subscribed (MailboxName SubscriptionChange))", "c"));
            Assert.Equal(["d OK NOTIFY completed"], await c.CommandAsync("d notify none", "d"));
        }
    }
}
