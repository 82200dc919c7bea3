using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Core.Tests.Directory;

namespace CloudMail.Core.Tests.Auth;

/// <summary>Repeated logins through <see cref="VerifiedCredentialCache"/>, and the rehash of weak hashes at login.</summary>
public sealed class VerifiedCredentialCacheTests
{
    private const string User = "owner@x.test";
    private const string Password = "correct horse battery";

    /// <summary>Accounts with their stored hashes; counts password writes.</summary>
    private sealed class PasswordDirectory : UnsupportedDirectory
    {
        private readonly Dictionary<string, string> _hashes = new(StringComparer.OrdinalIgnoreCase);

        public int Writes { get; private set; }

        public string HashOf(string address) => _hashes[address];

        public void Set(string address, string hash) => _hashes[address] = hash;

        public void Remove(string address) => _hashes.Remove(address);

        public HashSet<string> Disabled { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>When set, lookups wait for it, so that the test can release many logins at once.</summary>
        public TaskCompletionSource? Hold { get; set; }

        public override async Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken)
        {
            if (Hold is { } hold) await hold.Task.WaitAsync(cancellationToken);
            return _hashes.TryGetValue(address, out string? hash) ? new Account(address, hash, DateTimeOffset.UnixEpoch, null, Disabled.Contains(address)) : null;
        }

        public override Task SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken)
        {
            Writes++;
            _hashes[address] = passwordHash;
            return Task.CompletedTask;
        }
    }

    private readonly AuthOptions _options = new() { FailureDelay = TimeSpan.Zero, MaxFailureDelay = TimeSpan.Zero, PasswordHashIterations = 1000 };
    private readonly PasswordDirectory _directory = new();
    private readonly VerifiedCredentialCache _cache;
    private readonly Authenticator _authenticator;

    public VerifiedCredentialCacheTests()
    {
        _cache = new VerifiedCredentialCache(_options, TimeProvider.System);
        _authenticator = new Authenticator(_directory, new LoginThrottle(_options, TimeProvider.System), _options, _cache);
        _directory.Set(User, PasswordHasher.Hash(Password, 1000));
    }

    private async Task<AuthStatus> LoginAsync(string password) =>
        (await _authenticator.AuthenticateAsync(User, password, "192.0.2.1", CancellationToken.None)).Status;

    [Fact]
    public async Task A_success_is_remembered_and_a_failure_never_is()
    {
        Assert.Equal(AuthStatus.Failed, await LoginAsync("wrong password"));
        Assert.Equal(0, _cache.Count);
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        Assert.Equal(1, _cache.Count);
        Assert.True(_cache.Contains(User, Password, _directory.HashOf(User)));
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        Assert.Equal(AuthStatus.Failed, await LoginAsync("wrong password")); // a cached success says nothing about other passwords
        Assert.False(_cache.Contains(User, "wrong password", _directory.HashOf(User)));
    }

    [Fact]
    public async Task Identical_logins_in_flight_share_one_hash_check_and_different_passwords_do_not()
    {
        _directory.Set(User, PasswordHasher.Hash(Password, 200_000)); // long enough for the checks to overlap
        _directory.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logins = Enumerable.Range(0, 8).Select(_ => LoginAsync(Password)).ToList();
        var wrong = LoginAsync("wrong password");
        _directory.Hold.SetResult();

        Assert.All(await Task.WhenAll(logins), status => Assert.Equal(AuthStatus.Succeeded, status));
        Assert.Equal(AuthStatus.Failed, await wrong);
        Assert.Equal(2, _authenticator.PasswordChecks); // one for the eight right ones, one for the wrong one
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        Assert.Equal(2, _authenticator.PasswordChecks); // remembered
    }

    [Fact]
    public async Task A_password_change_or_removal_makes_the_remembered_success_useless_at_once()
    {
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        _directory.Set(User, PasswordHasher.Hash("a new password!", 1000)); // as user passwd does, from any process
        Assert.Equal(AuthStatus.Failed, await LoginAsync(Password));
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync("a new password!"));
        _directory.Remove(User);
        Assert.Equal(AuthStatus.Failed, await LoginAsync("a new password!"));
    }

    [Fact]
    public async Task Nothing_is_remembered_when_the_cache_is_off()
    {
        _options.CredentialCacheDuration = TimeSpan.Zero;
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        Assert.Equal(0, _cache.Count);
        Assert.False(_cache.Contains(User, Password, _directory.HashOf(User)));
    }

    [Fact]
    public void An_entry_expires_after_the_cache_duration()
    {
        var clock = new ManualClock();
        var cache = new VerifiedCredentialCache(_options, clock);
        cache.Add(User, Password, "hash");
        clock.Now += _options.CredentialCacheDuration - TimeSpan.FromSeconds(1);
        Assert.True(cache.Contains(User, Password, "hash"));
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.False(cache.Contains(User, Password, "hash"));
    }

    [Fact]
    public void The_cache_stays_within_its_maximum()
    {
        _options.CredentialCacheMaxEntries = 10;
        for (int i = 0; i < 25; i++) _cache.Add(User, "password " + i, "hash");
        Assert.InRange(_cache.Count, 1, 10);
    }

    [Fact]
    public async Task A_successful_login_rehashes_a_weaker_stored_hash_with_the_current_work_factor_once()
    {
        _options.PasswordHashIterations = 2000;
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        Assert.Equal(2000, PasswordHasher.IterationsOf(_directory.HashOf(User)));
        Assert.True(PasswordHasher.Verify(Password, _directory.HashOf(User)));
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        Assert.Equal(1, _directory.Writes);
        Assert.Equal(AuthStatus.Failed, await LoginAsync("wrong password"));
        Assert.Equal(1, _directory.Writes);
    }

    [Theory]
    [InlineData("$pbkdf2-sha256$1000$c2FsdA==$aGFzaA==", 1000)]
    [InlineData("$pbkdf2-sha256$$c2FsdA==$aGFzaA==", null)]
    [InlineData("$2y$10$whatever", null)]
    [InlineData("", null)]
    public void IterationsOf_reads_the_work_factor_and_never_throws(string hash, int? expected) =>
        Assert.Equal(expected, PasswordHasher.IterationsOf(hash));

    [Fact]
    public async Task A_disabled_account_is_refused_as_a_wrong_password_even_with_a_remembered_login()
    {
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        _directory.Disabled.Add(User);

        Assert.Equal(AuthStatus.Failed, await LoginAsync(Password));
        Assert.Equal(AuthStatus.Failed, await LoginAsync("wrong password"));
        Assert.False(await _authenticator.IsActiveAsync(User, CancellationToken.None));

        _directory.Disabled.Remove(User);
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        Assert.True(await _authenticator.IsActiveAsync(User, CancellationToken.None));
    }

    [Fact]
    public async Task Forget_drops_every_entry_of_one_account_and_keeps_the_others()
    {
        const string other = "other@x.test";
        _directory.Set(other, PasswordHasher.Hash(Password, 1000));
        Assert.Equal(AuthStatus.Succeeded, await LoginAsync(Password));
        Assert.Equal(AuthStatus.Succeeded, (await _authenticator.AuthenticateAsync(other, Password, "192.0.2.1", CancellationToken.None)).Status);

        Assert.Equal(1, _cache.Forget(User.ToUpperInvariant()));

        Assert.False(_cache.Contains(User, Password, _directory.HashOf(User)));
        Assert.True(_cache.Contains(other, Password, _directory.HashOf(other)));
    }
}
