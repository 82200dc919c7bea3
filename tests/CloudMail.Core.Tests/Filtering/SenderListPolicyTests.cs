using System.Net;
using CloudMail.Core.Filtering.SenderLists;

namespace CloudMail.Core.Tests.Filtering;

public sealed class SenderListPolicyTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private readonly MemoryLists _store = new();

    private SenderListPolicy Policy(TimeSpan cache) => new(_store, TimeProvider.System, cache);

    private void Add(string scope, SenderListKind kind, string pattern) =>
        _store.Entries.Add(new SenderListEntry(scope, kind, pattern, DateTimeOffset.UnixEpoch));

    [Fact]
    public async Task No_entry_means_no_decision()
    {
        Assert.Null(await Policy(TimeSpan.Zero).DecideAsync("alice@local.test", "x@y.example", Client, default));
    }

    [Fact]
    public async Task The_user_list_overrides_the_domain_list_which_overrides_the_server_list()
    {
        Add("", SenderListKind.Block, "y.example");
        Add("local.test", SenderListKind.Allow, "y.example");
        Add("alice@local.test", SenderListKind.Block, "x@y.example");
        var policy = Policy(TimeSpan.Zero);

        Assert.Equal(new SenderListDecision(SenderListKind.Block, "alice@local.test", "x@y.example"), await policy.DecideAsync("Alice@local.test", "x@y.example", Client, default));
        Assert.Equal(new SenderListDecision(SenderListKind.Allow, "local.test", "y.example"), await policy.DecideAsync("bob@local.test", "x@y.example", Client, default));
        Assert.Equal(new SenderListDecision(SenderListKind.Block, "", "y.example"), await policy.DecideAsync("carol@other.test", "x@y.example", Client, default));
    }

    [Fact]
    public async Task Within_one_list_the_most_specific_entry_wins_and_block_wins_a_tie()
    {
        Add("local.test", SenderListKind.Block, "y.example");
        Add("local.test", SenderListKind.Allow, "friend@y.example");
        Add("local.test", SenderListKind.Allow, "z.example");
        Add("local.test", SenderListKind.Block, "z.example");
        var policy = Policy(TimeSpan.Zero);

        Assert.Equal(SenderListKind.Allow, (await policy.DecideAsync("a@local.test", "friend@y.example", Client, default))!.Kind);
        Assert.Equal(SenderListKind.Block, (await policy.DecideAsync("a@local.test", "foe@y.example", Client, default))!.Kind);
        Assert.Equal(SenderListKind.Block, (await policy.DecideAsync("a@local.test", "any@z.example", Client, default))!.Kind);
    }

    [Fact]
    public async Task All_recipients_must_allow_for_the_message_to_count_as_allowed()
    {
        Add("alice@local.test", SenderListKind.Allow, "192.0.2.0/24");
        var policy = Policy(TimeSpan.Zero);

        Assert.True(await policy.AllAllowAsync(["alice@local.test"], "", Client, default));
        Assert.False(await policy.AllAllowAsync(["alice@local.test", "bob@local.test"], "", Client, default));
        Assert.False(await policy.AllAllowAsync([], "", Client, default));
    }

    [Fact]
    public async Task Entries_are_remembered_for_the_cache_duration_and_forgotten_on_request()
    {
        var policy = Policy(TimeSpan.FromHours(1));
        Assert.Null(await policy.DecideAsync("a@local.test", "x@y.example", Client, default));
        Add("local.test", SenderListKind.Block, "y.example");

        Assert.Null(await policy.DecideAsync("a@local.test", "x@y.example", Client, default));
        policy.Forget("local.test");
        Assert.NotNull(await policy.DecideAsync("a@local.test", "x@y.example", Client, default));
    }

    [Fact]
    public async Task The_cache_stays_bounded_whatever_recipients_clients_name_and_still_decides()
    {
        // Port 25 looks up the lists of every RCPT, unknown users and other domains included: one scope each.
        Add("local.test", SenderListKind.Block, "y.example");
        var policy = Policy(TimeSpan.FromHours(1));

        for (int i = 0; i < 3 * CloudMail.Core.Caching.TimedCache.DefaultSweepEvery; i++)
        {
            await policy.DecideAsync($"user{i}@domain{i}.test", "x@y.example", Client, default);
            Assert.True(policy.CachedScopes < 2 * CloudMail.Core.Caching.TimedCache.DefaultSweepEvery, $"{policy.CachedScopes} scopes after {i + 1} recipients");
        }
        Assert.Equal(SenderListKind.Block, (await policy.DecideAsync("a@local.test", "x@y.example", Client, default))!.Kind);
    }

    private sealed class MemoryLists : ISenderListStore
    {
        public List<SenderListEntry> Entries { get; } = [];

        public Task<bool> AddAsync(SenderListEntry entry, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> RemoveAsync(string scope, SenderListKind kind, string pattern, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<SenderListEntry>> ListAsync(string scope, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SenderListEntry>>([.. Entries.Where(e => e.Scope == scope)]);

        public Task<IReadOnlyList<SenderListEntry>> ListAllAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SenderListEntry>>(Entries);
    }
}
