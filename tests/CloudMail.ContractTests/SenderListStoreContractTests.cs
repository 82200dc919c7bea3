using CloudMail.Core.Filtering.SenderLists;

namespace CloudMail.ContractTests;

/// <summary>The <see cref="ISenderListStore"/> contract: entries per (scope, kind, pattern), the server scope included.</summary>
public abstract class SenderListStoreContractTests : ContractTest<ISenderListStore>
{
    protected ISenderListStore Lists => Subject;

    private static DateTimeOffset At => TestData.Now();

    [Fact]
    public async Task Added_entries_are_listed_for_their_scope_only_sorted_by_kind_then_pattern()
    {
        string domain = Unique.Domain(), user = Unique.Address(domain);
        var entries = new[]
        {
            new SenderListEntry(domain, SenderListKind.Block, "spam.example", At),
            new SenderListEntry(domain, SenderListKind.Allow, "192.0.2.0/24", At),
            new SenderListEntry(domain, SenderListKind.Allow, "2001:db8::/32", At),
            new SenderListEntry(user, SenderListKind.Allow, "friend@spam.example", At),
        };
        foreach (var e in entries) Assert.True(await Lists.AddAsync(e, Ct));

        Assert.Equal([entries[1], entries[2], entries[0]], await Lists.ListAsync(domain, Ct));
        Assert.Equal([entries[3]], await Lists.ListAsync(user, Ct));
    }

    [Fact]
    public async Task Adding_an_entry_twice_reports_it_and_keeps_the_first()
    {
        string domain = Unique.Domain();
        var first = new SenderListEntry(domain, SenderListKind.Block, "bad.example", At);

        Assert.True(await Lists.AddAsync(first, Ct));
        Assert.False(await Lists.AddAsync(first with { AddedAt = At.AddDays(1) }, Ct));

        Assert.Equal([first], await Lists.ListAsync(domain, Ct));
    }

    [Fact]
    public async Task The_same_pattern_may_be_allowed_and_blocked_and_each_is_removed_on_its_own()
    {
        string domain = Unique.Domain();
        await Lists.AddAsync(new SenderListEntry(domain, SenderListKind.Allow, "both.example", At), Ct);
        await Lists.AddAsync(new SenderListEntry(domain, SenderListKind.Block, "both.example", At), Ct);

        Assert.True(await Lists.RemoveAsync(domain, SenderListKind.Block, "both.example", Ct));
        Assert.False(await Lists.RemoveAsync(domain, SenderListKind.Block, "both.example", Ct));

        var left = Assert.Single(await Lists.ListAsync(domain, Ct));
        Assert.Equal(SenderListKind.Allow, left.Kind);
    }

    [Fact]
    public async Task Removing_what_is_not_there_is_false_and_an_unknown_scope_lists_nothing()
    {
        string domain = Unique.Domain();
        Assert.False(await Lists.RemoveAsync(domain, SenderListKind.Allow, "nobody.example", Ct));
        Assert.Empty(await Lists.ListAsync(domain, Ct));
    }

    [Fact]
    public async Task The_server_scope_is_empty_text_and_every_scope_is_in_the_full_listing()
    {
        string pattern = $"{Unique.Suffix()}.server.example", domain = Unique.Domain();
        var server = new SenderListEntry(SenderListScope.Server, SenderListKind.Block, pattern, At);
        var ofDomain = new SenderListEntry(domain, SenderListKind.Block, pattern, At);
        await Lists.AddAsync(server, Ct);
        await Lists.AddAsync(ofDomain, Ct);

        Assert.Contains(server, await Lists.ListAsync(SenderListScope.Server, Ct));
        var all = (await Lists.ListAllAsync(Ct)).Where(e => e.Pattern == pattern).ToList();
        Assert.Equal([server, ofDomain], all);

        Assert.True(await Lists.RemoveAsync(SenderListScope.Server, SenderListKind.Block, pattern, Ct));
        Assert.DoesNotContain(server, await Lists.ListAsync(SenderListScope.Server, Ct));
    }
}
