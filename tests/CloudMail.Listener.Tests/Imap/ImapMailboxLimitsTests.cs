using System.Diagnostics;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// LIST costs stay bounded whatever the pattern, and an account cannot grow mailboxes, subscriptions or names past
/// the configured limits (RFC 5530 NO [LIMIT]). Small limits on a server of its own keep the tests quick.
/// </summary>
public sealed class ImapMailboxLimitsTests : IAsyncLifetime
{
    private const int MaxMailboxes = 9;
    private const int MaxNameLength = 80;
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["CloudMail:Imap:MaxMailboxes"] = MaxMailboxes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CloudMail:Imap:MaxMailboxNameLength"] = MaxNameLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<RawImapClient> LoginAsync()
    {
        string user = $"limits-{Guid.NewGuid():N}"[..20] + "@" + TestServer.Domain;
        await _server.AddUserAsync(user, ImapServerFixture.Password);
        return await RawImapClient.LoginAsync(_server, user, ImapServerFixture.Password);
    }

    [Fact]
    public async Task Create_and_rename_past_the_mailbox_limit_answer_NO_LIMIT_and_change_nothing()
    {
        await using var c = await LoginAsync(); // 5 default mailboxes
        Assert.StartsWith("c1 OK", (await c.CommandAsync("c1 CREATE a", "c1"))[^1]);
        Assert.StartsWith("c2 OK", (await c.CommandAsync("c2 CREATE b/c", "c2"))[^1]); // b and b/c: 8
        Assert.Equal("c3 NO [LIMIT] An account holds at most 9 mailboxes", (await c.CommandAsync("c3 CREATE d/e", "c3"))[^1]);
        Assert.StartsWith("c4 OK", (await c.CommandAsync("c4 CREATE d", "c4"))[^1]); // 9
        Assert.StartsWith("c5 NO [LIMIT]", (await c.CommandAsync("c5 CREATE f", "c5"))[^1]);
        Assert.StartsWith("r1 NO [LIMIT]", (await c.CommandAsync("r1 RENAME INBOX old", "r1"))[^1]); // would add "old"
        Assert.StartsWith("r2 NO [LIMIT]", (await c.CommandAsync("r2 RENAME a x/a", "r2"))[^1]); // would add "x"
        Assert.StartsWith("r3 OK", (await c.CommandAsync("r3 RENAME a z", "r3"))[^1]); // a move adds nothing

        var list = await c.CommandAsync("l LIST \"\" *", "l");
        Assert.Equal(MaxMailboxes, list.Count - 1);
        Assert.DoesNotContain(list, l => l.EndsWith(" f", StringComparison.Ordinal) || l.EndsWith(" old", StringComparison.Ordinal) || l.Contains(" x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscriptions_past_the_limit_answer_NO_LIMIT_but_resubscribing_and_unsubscribing_work()
    {
        await using var c = await LoginAsync(); // the 5 default mailboxes are subscribed
        foreach (string name in new[] { "s1", "s2", "s3", "s4" })
            Assert.StartsWith("s OK", (await c.CommandAsync("s SUBSCRIBE " + name, "s"))[^1]);
        Assert.Equal("t NO [LIMIT] An account holds at most 9 subscriptions", (await c.CommandAsync("t SUBSCRIBE s5", "t"))[^1]);
        Assert.StartsWith("u OK", (await c.CommandAsync("u SUBSCRIBE s4", "u"))[^1]);
        Assert.StartsWith("v OK", (await c.CommandAsync("v UNSUBSCRIBE s1", "v"))[^1]);
        Assert.StartsWith("w OK", (await c.CommandAsync("w SUBSCRIBE s5", "w"))[^1]);
    }

    [Fact]
    public async Task Names_longer_or_deeper_than_allowed_answer_NO_LIMIT_also_for_renamed_children()
    {
        await using var c = await LoginAsync();
        string fits = new('n', MaxNameLength);
        Assert.StartsWith("c1 OK", (await c.CommandAsync($"c1 CREATE {fits}", "c1"))[^1]);
        Assert.Equal($"c2 NO [LIMIT] Mailbox names are limited to {MaxNameLength} characters",
            (await c.CommandAsync($"c2 CREATE {fits}x", "c2"))[^1]);
        Assert.Equal("c3 NO [LIMIT] Mailbox names are limited to 32 levels", (await c.CommandAsync("c3 CREATE " + string.Join('/', Enumerable.Repeat("l", 33)), "c3"))[^1]);
        Assert.StartsWith("s1 NO [LIMIT]", (await c.CommandAsync($"s1 SUBSCRIBE {fits}x", "s1"))[^1]);

        Assert.StartsWith("c4 OK", (await c.CommandAsync("c4 CREATE p/child", "c4"))[^1]);
        string parentFits = new('q', MaxNameLength - "/child".Length + 1); // fits alone, its child would not
        Assert.StartsWith("r1 NO [LIMIT]", (await c.CommandAsync($"r1 RENAME p {parentFits}", "r1"))[^1]);
        Assert.StartsWith("r2 OK", (await c.CommandAsync($"r2 RENAME p {parentFits[1..]}", "r2"))[^1]);
    }

    [Fact]
    public async Task List_patterns_longer_than_the_limit_answer_NO_LIMIT_counting_reference_and_every_pattern()
    {
        await using var c = await LoginAsync();
        string half = new('*', 512);
        Assert.Equal("l1 NO [LIMIT] LIST patterns are limited to 1024 characters", (await c.CommandAsync($"l1 LIST \"\" {half}{half}x", "l1"))[^1]);
        Assert.StartsWith("l2 NO [LIMIT]", (await c.CommandAsync($"l2 LIST x {half}{half}", "l2"))[^1]);
        Assert.StartsWith("l3 NO [LIMIT]", (await c.CommandAsync($"l3 LIST \"\" ({half} {half}x)", "l3"))[^1]);
        Assert.StartsWith("l4 NO [LIMIT]", (await c.CommandAsync($"l4 LSUB \"\" {half}{half}x", "l4"))[^1]);
        Assert.StartsWith("l5 OK", (await c.CommandAsync($"l5 LIST \"\" ({half} {half})", "l5"))[^1]);
    }
}
