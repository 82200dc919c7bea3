using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Core.Tests.Directory;

namespace CloudMail.Core.Tests.Auth;

public sealed class AuthenticatorTests
{
    private const string User = "owner@x.test";
    private const string Password = "correct horse battery";

    /// <summary>A directory with one account that counts lookups and can hold them until the test lets them go.</summary>
    private sealed class OneAccountDirectory : UnsupportedDirectory
    {
        private readonly Account _account = new(User, PasswordHasher.Hash(Password, 1000), DateTimeOffset.UnixEpoch);
        private int _lookups;

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Lookups => Volatile.Read(ref _lookups);

        public override async Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lookups);
            await Gate.Task.WaitAsync(cancellationToken);
            return address == User ? _account : null;
        }
    }

    // No delays: these tests are about decisions, LoginThrottleTests about timing.
    private readonly AuthOptions _options = new() { FailureDelay = TimeSpan.Zero, MaxFailureDelay = TimeSpan.Zero, MaxFailuresPerAccountAddress = 3, PasswordHashIterations = 1000 };
    private readonly OneAccountDirectory _directory = new();

    private Authenticator NewAuthenticator() => new(_directory, new LoginThrottle(_options, TimeProvider.System), _options);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("owner@x.test\r\nforged line")]
    [InlineData("owner\0@x.test")]
    public async Task Blank_and_malformed_user_names_fail_without_a_lookup(string userName)
    {
        _directory.Gate.SetResult();
        var result = await NewAuthenticator().AuthenticateAsync(userName, Password, "192.0.2.1", CancellationToken.None);
        Assert.Equal(new AuthResult(AuthStatus.InvalidUserName, null), result);
        Assert.False(result.Succeeded);
        Assert.Equal(0, _directory.Lookups);
    }

    [Fact]
    public async Task Over_long_user_names_fail_without_a_lookup()
    {
        _directory.Gate.SetResult();
        var result = await NewAuthenticator().AuthenticateAsync(new string('a', 300) + "@x.test", Password, "192.0.2.1", CancellationToken.None);
        Assert.Equal(AuthStatus.InvalidUserName, result.Status);
        Assert.Equal(0, _directory.Lookups);
    }

    [Fact]
    public async Task The_right_password_from_another_address_succeeds_after_an_attack()
    {
        _directory.Gate.SetResult();
        var authenticator = NewAuthenticator();
        var attack = new List<AuthStatus>();
        for (int i = 0; i < 6; i++) attack.Add((await authenticator.AuthenticateAsync(User, "guess" + i, "192.0.2.66", CancellationToken.None)).Status);
        Assert.Equal([AuthStatus.Failed, AuthStatus.Failed, AuthStatus.Failed, AuthStatus.Throttled, AuthStatus.Throttled, AuthStatus.Throttled], attack);
        Assert.Equal(3, _directory.Lookups); // a refused attempt is not checked

        var owner = await authenticator.AuthenticateAsync("Owner@X.test", Password, "203.0.113.5", CancellationToken.None);
        Assert.Equal(new AuthResult(AuthStatus.Succeeded, User), owner);
    }

    [Fact]
    public async Task Concurrent_guesses_are_checked_a_limit_at_a_time_and_the_rest_refused_once_those_failed()
    {
        var authenticator = NewAuthenticator();
        var attempts = Enumerable.Range(0, 8)
            .Select(i => authenticator.AuthenticateAsync(User, "guess" + i, "192.0.2.66", CancellationToken.None)).ToList();

        // Three reached the directory and wait there; the other five wait their turn.
        await Task.Delay(50);
        Assert.Equal(3, _directory.Lookups);
        Assert.DoesNotContain(attempts, a => a.IsCompleted);

        _directory.Gate.SetResult();
        var results = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, results.Count(r => r.Status == AuthStatus.Failed));
        Assert.Equal(5, results.Count(r => r.Status == AuthStatus.Throttled));
        Assert.Equal(3, _directory.Lookups);
    }

    [Fact]
    public async Task Parallel_logins_with_the_right_password_queue_and_all_succeed()
    {
        var authenticator = NewAuthenticator();
        var attempts = Enumerable.Range(0, 8)
            .Select(_ => authenticator.AuthenticateAsync(User, Password, "192.0.2.7", CancellationToken.None)).ToList();
        await Task.Delay(50);
        Assert.Equal(3, _directory.Lookups); // no more than the limit's worth are checked at once
        Assert.DoesNotContain(attempts, a => a.IsCompleted);

        _directory.Gate.SetResult();
        var results = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(results, r => Assert.Equal(new AuthResult(AuthStatus.Succeeded, User), r));
    }

    [Fact]
    public async Task A_login_queued_behind_attempts_that_never_settle_is_refused_after_the_wait()
    {
        _options.InFlightWait = TimeSpan.FromMilliseconds(200);
        var authenticator = NewAuthenticator();
        var stuck = Enumerable.Range(0, 3)
            .Select(_ => authenticator.AuthenticateAsync(User, Password, "192.0.2.7", CancellationToken.None)).ToList();
        var queued = await authenticator.AuthenticateAsync(User, Password, "192.0.2.7", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(AuthStatus.Throttled, queued.Status);
        Assert.Equal(3, _directory.Lookups);
        _directory.Gate.SetResult();
        Assert.All(await Task.WhenAll(stuck), r => Assert.Equal(AuthStatus.Succeeded, r.Status));
    }

    [Fact]
    public async Task An_attempt_cancelled_before_its_check_is_not_counted()
    {
        var authenticator = NewAuthenticator();
        using var cancel = new CancellationTokenSource();
        var pending = authenticator.AuthenticateAsync(User, "guess", "192.0.2.66", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        _directory.Gate.SetResult();
        for (int i = 0; i < 2; i++) await authenticator.AuthenticateAsync(User, "guess", "192.0.2.66", CancellationToken.None);
        Assert.Equal(AuthStatus.Succeeded, (await authenticator.AuthenticateAsync(User, Password, "192.0.2.66", CancellationToken.None)).Status);
    }
}
