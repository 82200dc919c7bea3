namespace CloudMail.Listener.Tests.Imap;

/// <summary>IMAP4rev2 (RFC 9051) on a server that speaks both: advertised beside IMAP4rev1, switched on with ENABLE.</summary>
[Collection(ImapCollection.Name)]
public class ImapRev2Tests(ImapServerFixture fixture)
{
    private async Task<(string User, RawImapClient Client)> LoginAsync()
    {
        string user = await fixture.NewUserAsync();
        return (user, await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password));
    }

    [Fact]
    public async Task Both_revisions_are_advertised_and_rev1_behaviour_stays_until_enabled()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("old"));

        string caps = (await c.CommandAsync("c CAPABILITY", "c"))[0];
        Assert.Contains(" IMAP4rev1 ", caps);
        Assert.Contains(" IMAP4rev2 ", caps);
        var select = await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Contains("* 1 RECENT", select);
        Assert.Equal(["* SEARCH 1", "t OK SEARCH completed"], await c.CommandAsync("t SEARCH ALL", "t"));
    }

    [Fact]
    public async Task After_enable_select_has_a_list_line_and_no_recent_search_answers_esearch_and_names_are_utf8()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("one"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("two"));

        Assert.Equal(["* ENABLED IMAP4rev2", "e OK ENABLE completed"], await c.CommandAsync("e ENABLE IMAP4rev2", "e"));
        var select = await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Contains("* LIST () \"/\" INBOX", select);
        Assert.Contains("* 2 EXISTS", select);
        Assert.DoesNotContain(select, l => l.EndsWith(" RECENT", StringComparison.Ordinal) || l.Contains("[UNSEEN", StringComparison.Ordinal));

        Assert.Equal(["* 1 FETCH (FLAGS ())", "f OK FETCH completed"], await c.CommandAsync("f FETCH 1 FLAGS", "f"));
        Assert.Equal(["* ESEARCH (TAG \"t\") ALL 1:2", "t OK SEARCH completed"], await c.CommandAsync("t SEARCH ALL", "t"));
        Assert.Equal(["* ESEARCH (TAG \"u\")", "u OK SEARCH completed"], await c.CommandAsync("u SEARCH DELETED", "u"));

        Assert.Matches(@"^m OK \[MAILBOXID \(M[0-9a-f]{16}\)\] CREATE completed$", (await c.CommandAsync("m CREATE \"Entwürfe\"", "m"))[^1]);
        // UTF-8, not modified UTF-7 (Entw&APw-rfe); sent as a literal, which RFC 9051 astring allows.
        var list = await c.CommandAsync("l LIST \"\" \"Entw*\"", "l");
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" {9}", "Entwürfe", "l OK LIST completed"], list);

        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("three"));
        var noop = await c.CommandAsync("n NOOP", "n");
        Assert.Contains("* 3 EXISTS", noop);
        Assert.DoesNotContain(noop, l => l.EndsWith(" RECENT", StringComparison.Ordinal));
        Assert.Equal("* OK [CLOSED] Previous mailbox closed", (await c.CommandAsync("x EXAMINE INBOX", "x"))[0]);
    }

    [Fact]
    public async Task Status_counts_deleted_messages_and_their_storage()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        string small = ImapTest.TextMessage("small"), large = ImapTest.TextMessage("large", new string('x', 5000));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", small, Core.Mailboxes.MessageFlags.Deleted);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", large, Core.Mailboxes.MessageFlags.Deleted | Core.Mailboxes.MessageFlags.Seen);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("kept"));

        var status = await c.CommandAsync("s STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)", "s");

        int bytes = System.Text.Encoding.UTF8.GetByteCount(small) + System.Text.Encoding.UTF8.GetByteCount(large);
        Assert.Equal([$"* STATUS INBOX (MESSAGES 3 DELETED 2 DELETED-STORAGE {bytes})", "s OK STATUS completed"], status);
    }
}
