using MailKit;
using MailKit.Search;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// WITHIN (RFC 5032) against the real server: OLDER and YOUNGER count back from the time of the search, with MailKit
/// (which sends them only when WITHIN is advertised) and raw commands for the syntax errors.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapWithinTests(ImapServerFixture fixture)
{
    /// <summary>A user with three messages: internal dates two days, two hours and (about) now before the search.</summary>
    private async Task<string> SeedAsync()
    {
        string user = await fixture.NewUserAsync();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("two days"), internalDate: now.AddDays(-2));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("two hours"), internalDate: now.AddHours(-2));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("now"), internalDate: now);
        return user;
    }

    [Fact]
    public async Task MailKit_searches_younger_and_older_than_an_interval()
    {
        string user = await SeedAsync();
        using var client = await fixture.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.Within));
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);

        Assert.Equal([3u], (await inbox.SearchAsync(SearchQuery.YoungerThan(3600))).Select(u => u.Id));
        Assert.Equal([2u, 3u], (await inbox.SearchAsync(SearchQuery.YoungerThan(86_400))).Select(u => u.Id));
        Assert.Equal([1u, 2u], (await inbox.SearchAsync(SearchQuery.OlderThan(3600))).Select(u => u.Id));
        Assert.Equal([1u], (await inbox.SearchAsync(SearchQuery.OlderThan(86_400))).Select(u => u.Id));
        Assert.Empty(await inbox.SearchAsync(SearchQuery.OlderThan(3 * 86_400)));
        Assert.Equal([2u], (await inbox.SearchAsync(SearchQuery.OlderThan(3600).And(SearchQuery.YoungerThan(86_400)))).Select(u => u.Id));
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_zero_or_missing_interval_is_BAD_and_the_session_goes_on()
    {
        string user = await SeedAsync();
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");

        Assert.StartsWith("a BAD", (await c.CommandAsync("a SEARCH OLDER 0", "a"))[^1]);
        Assert.StartsWith("b BAD", (await c.CommandAsync("b SEARCH YOUNGER", "b"))[^1]);
        Assert.StartsWith("c BAD", (await c.CommandAsync("c SEARCH YOUNGER -5", "c"))[^1]);
        var lines = await c.CommandAsync("d UID SEARCH NOT OLDER 3600", "d");
        Assert.Contains("* SEARCH 3", lines);
        Assert.StartsWith("d OK", lines[^1]);
    }
}
