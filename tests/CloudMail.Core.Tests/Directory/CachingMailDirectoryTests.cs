using CloudMail.Core.Directory;

namespace CloudMail.Core.Tests.Directory;

public sealed class CachingMailDirectoryTests
{
    /// <summary>Counts the lookups that reach it; accounts and aliases change through it like a real store.</summary>
    private sealed class CountingDirectory : UnsupportedDirectory
    {
        public readonly Dictionary<string, string> Hashes = new(StringComparer.OrdinalIgnoreCase);
        public readonly HashSet<string> Domains = new(StringComparer.OrdinalIgnoreCase);
        public int Lookups;

        public override Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult(Domains.Contains(domain));
        }

        public override Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult(Hashes.TryGetValue(address, out string? h) ? new Account(address, h, DateTimeOffset.UnixEpoch) : null);
        }

        public override Task SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken)
        {
            Hashes[address] = passwordHash;
            return Task.CompletedTask;
        }

        public override Task<bool> RemoveAccountAsync(string address, CancellationToken cancellationToken) => Task.FromResult(Hashes.Remove(address));
    }

    private readonly CountingDirectory _inner = new();
    private readonly ManualClock _clock = new();
    private readonly CachingMailDirectory _cache;

    public CachingMailDirectoryTests()
    {
        _inner.Domains.Add("example.test");
        _inner.Hashes["u@example.test"] = "h1";
        _cache = new CachingMailDirectory(_inner, new DirectoryCacheOptions(), _clock);
    }

    [Fact]
    public async Task Found_answers_are_reused_until_they_expire()
    {
        for (int i = 0; i < 3; i++)
        {
            Assert.True(await _cache.IsLocalDomainAsync("example.test", CancellationToken.None));
            Assert.Equal("h1", (await _cache.GetAccountAsync("U@example.test", CancellationToken.None))!.PasswordHash);
        }
        Assert.Equal(2, _inner.Lookups);
        _clock.Now += TimeSpan.FromSeconds(11);
        await _cache.GetAccountAsync("u@example.test", CancellationToken.None);
        Assert.Equal(3, _inner.Lookups);
    }

    [Fact]
    public async Task Not_found_is_never_remembered_so_what_another_process_adds_works_at_once()
    {
        Assert.Null(await _cache.GetAccountAsync("new@example.test", CancellationToken.None));
        _inner.Hashes["new@example.test"] = "h"; // added by the CLI
        Assert.NotNull(await _cache.GetAccountAsync("new@example.test", CancellationToken.None));
        Assert.False(await _cache.IsLocalDomainAsync("new.test", CancellationToken.None));
        _inner.Domains.Add("new.test");
        Assert.True(await _cache.IsLocalDomainAsync("new.test", CancellationToken.None));
    }

    [Fact]
    public async Task A_password_change_or_removal_through_it_takes_effect_at_once()
    {
        await _cache.GetAccountAsync("u@example.test", CancellationToken.None);
        await _cache.SetPasswordHashAsync("u@example.test", "h2", CancellationToken.None);
        Assert.Equal("h2", (await _cache.GetAccountAsync("u@example.test", CancellationToken.None))!.PasswordHash);
        Assert.True(await _cache.RemoveAccountAsync("u@example.test", CancellationToken.None));
        Assert.Null(await _cache.GetAccountAsync("u@example.test", CancellationToken.None));
    }

    [Fact]
    public async Task A_change_by_another_process_is_seen_within_the_duration()
    {
        await _cache.GetAccountAsync("u@example.test", CancellationToken.None);
        _inner.Hashes["u@example.test"] = "h3";
        Assert.Equal("h1", (await _cache.GetAccountAsync("u@example.test", CancellationToken.None))!.PasswordHash);
        _clock.Now += TimeSpan.FromSeconds(10);
        Assert.Equal("h3", (await _cache.GetAccountAsync("u@example.test", CancellationToken.None))!.PasswordHash);
    }
}
