using MailKit;
using MailKit.Search;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// PARTIAL (RFC 9394, extending RFC 5267 §4.4): paged SEARCH, SORT and FETCH results against the real server, through raw
/// commands and MailKit. The INBOX holds ten messages after an expunged first one, so sequence number n is UID n + 1.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapPartialTests(ImapServerFixture fixture)
{
    private async Task<string> SeedAsync()
    {
        string user = await fixture.NewUserAsync();
        uint first = await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("expunged"));
        await fixture.Server.Get<CloudMail.Core.Mailboxes.IMailboxIndex>().ExpungeAsync(user, "INBOX", [first], CancellationToken.None);
        for (int i = 1; i <= 10; i++)
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage(i % 2 == 0 ? "even " + i : "odd " + i));
        return user;
    }

    private async Task<RawImapClient> OpenAsync(string user)
    {
        var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        Assert.StartsWith("s OK", (await c.CommandAsync("s SELECT INBOX", "s"))[^1]);
        return c;
    }

    [Fact]
    public async Task Capability_advertises_partial_but_not_the_context_extensions()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        string caps = (await c.CommandAsync("a CAPABILITY", "a"))[0];
        Assert.Contains(" PARTIAL", caps);
        Assert.DoesNotContain("CONTEXT=", caps); // UPDATE and CANCELUPDATE are not implemented
    }

    [Fact]
    public async Task Search_partial_returns_the_positions_asked_for_from_the_start_or_the_end()
    {
        await using var c = await OpenAsync(await SeedAsync());

        Assert.Contains("* ESEARCH (TAG \"a\") UID PARTIAL (1:3 2:4)", await c.CommandAsync("a UID SEARCH RETURN (PARTIAL 1:3) ALL", "a"));
        Assert.Contains("* ESEARCH (TAG \"b\") PARTIAL (-1:-3 8:10)", await c.CommandAsync("b SEARCH RETURN (PARTIAL -1:-3) ALL", "b"));
        // Either order of the ends, answered nearer end first (RFC 9394 §6: 500:400 is 400:500); past the end gives what there is, or NIL.
        Assert.Contains("* ESEARCH (TAG \"c\") PARTIAL (9:12 9:10)", await c.CommandAsync("c SEARCH RETURN (PARTIAL 12:9) ALL", "c"));
        Assert.Contains("* ESEARCH (TAG \"d\") PARTIAL (20:30 NIL)", await c.CommandAsync("d SEARCH RETURN (PARTIAL 20:30) ALL", "d"));
        // Positions are within the result, not the mailbox; COUNT is the whole result.
        Assert.Contains("* ESEARCH (TAG \"e\") UID COUNT 5 PARTIAL (2:3 5,7)", await c.CommandAsync("e UID SEARCH RETURN (COUNT PARTIAL 2:3) SUBJECT even", "e"));
    }

    [Fact]
    public async Task Saved_partial_result_is_the_page_and_fetch_partial_pages_a_set()
    {
        await using var c = await OpenAsync(await SeedAsync());

        Assert.StartsWith("a OK", (await c.CommandAsync("a SEARCH RETURN (SAVE PARTIAL -1:-2) ALL", "a"))[^1]);
        var saved = await c.CommandAsync("b UID FETCH $ (UID)", "b");
        Assert.Equal(["* 9 FETCH (UID 10)", "* 10 FETCH (UID 11)", "b OK UID FETCH completed"], saved);

        var page = await c.CommandAsync("c UID FETCH 1:* (RFC822.SIZE) (PARTIAL -1:-3)", "c");
        Assert.Equal(3, page.Count(l => l.StartsWith("* ", StringComparison.Ordinal)));
        Assert.StartsWith("* 8 FETCH (UID 9 RFC822.SIZE ", page[0]);
        Assert.StartsWith("* 10 FETCH (UID 11 RFC822.SIZE ", page[2]);
        Assert.Equal("c OK UID FETCH completed", page[^1]);
        var second = await c.CommandAsync("d FETCH 2:* (UID) (PARTIAL 2:3)", "d");
        Assert.Equal(["* 3 FETCH (UID 4)", "* 4 FETCH (UID 5)", "d OK FETCH completed"], second);
    }

    [Fact]
    public async Task Sort_partial_pages_in_sort_order()
    {
        await using var c = await OpenAsync(await SeedAsync());

        Assert.Contains("* ESEARCH (TAG \"a\") PARTIAL (1:3 10,9,8)", await c.CommandAsync("a SORT RETURN (PARTIAL 1:3) (REVERSE ARRIVAL) UTF-8 ALL", "a"));
        Assert.Contains("* ESEARCH (TAG \"b\") UID PARTIAL (-1:-2 3,2)", await c.CommandAsync("b UID SORT RETURN (PARTIAL -1:-2) (REVERSE ARRIVAL) UTF-8 ALL", "b"));
    }

    [Theory]
    [InlineData("SEARCH RETURN (PARTIAL 0:5) ALL")]
    [InlineData("SEARCH RETURN (PARTIAL 1:-5) ALL")]
    [InlineData("SEARCH RETURN (PARTIAL 5) ALL")]
    [InlineData("SEARCH RETURN (PARTIAL 1:2 PARTIAL 3:4) ALL")]
    [InlineData("FETCH 1:* (UID) (PARTIAL -0:-1)")]
    public async Task Malformed_partial_ranges_are_bad_and_the_session_goes_on(string command)
    {
        await using var c = await OpenAsync(await SeedAsync());

        Assert.StartsWith("x BAD", (await c.CommandAsync("x " + command, "x"))[^1]);
        Assert.Equal("n OK NOOP completed", (await c.CommandAsync("n NOOP", "n"))[^1]);
    }

    [Fact]
    public async Task MailKit_pages_search_results_with_partial()
    {
        string user = await SeedAsync();
        using var client = await fixture.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.Partial));
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);

        var newest = await inbox.SearchAsync(SearchOptions.None, SearchQuery.All, new PartialRange(-1, -4));
        var oldest = await inbox.SearchAsync(SearchOptions.None, SearchQuery.SubjectContains("odd"), new PartialRange(1, 2));

        Assert.Equal([8u, 9u, 10u, 11u], newest.UniqueIds.Select(u => u.Id).Order());
        Assert.Equal([2u, 4u], oldest.UniqueIds.Select(u => u.Id));
        await client.DisconnectAsync(true);
    }
}
