using CloudMail.Core.Auth;

namespace CloudMail.Core.Tests.Auth;

public sealed class LoginThrottleTests
{
    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualClock _clock = new();
    private readonly AuthOptions _options = new() { MaxFailures = 3, FailureWindow = TimeSpan.FromMinutes(10), LockoutDuration = TimeSpan.FromMinutes(5) };

    [Fact]
    public void Account_is_locked_after_max_failures_and_unlocked_after_the_lockout()
    {
        var throttle = new LoginThrottle(_options, _clock);
        for (int i = 0; i < 2; i++) throttle.RecordFailure("a@x.test", $"10.0.0.{i}");
        Assert.False(throttle.IsLockedOut("a@x.test", "10.0.0.9"));
        throttle.RecordFailure("a@x.test", "10.0.0.3");
        Assert.True(throttle.IsLockedOut("a@x.test", "10.0.0.9"));
        _clock.Now += TimeSpan.FromMinutes(6);
        Assert.False(throttle.IsLockedOut("a@x.test", "10.0.0.9"));
    }

    [Fact]
    public void One_ip_guessing_many_accounts_is_locked_out()
    {
        var throttle = new LoginThrottle(_options, _clock);
        for (int i = 0; i < 3; i++) throttle.RecordFailure($"user{i}@x.test", "192.0.2.7");
        Assert.True(throttle.IsLockedOut("someone-else@x.test", "192.0.2.7"));
        Assert.False(throttle.IsLockedOut("someone-else@x.test", "192.0.2.8"));
    }

    [Fact]
    public void Failures_older_than_the_window_do_not_count()
    {
        var throttle = new LoginThrottle(_options, _clock);
        throttle.RecordFailure("a@x.test", "1.1.1.1");
        throttle.RecordFailure("a@x.test", "1.1.1.2");
        _clock.Now += TimeSpan.FromMinutes(11);
        throttle.RecordFailure("a@x.test", "1.1.1.3");
        Assert.False(throttle.IsLockedOut("a@x.test", "1.1.1.4"));
    }

    [Fact]
    public void Success_clears_the_account_failures()
    {
        var throttle = new LoginThrottle(_options, _clock);
        throttle.RecordFailure("a@x.test", "1.1.1.1");
        throttle.RecordFailure("a@x.test", "1.1.1.2");
        throttle.RecordSuccess("a@x.test");
        throttle.RecordFailure("a@x.test", "1.1.1.3");
        Assert.False(throttle.IsLockedOut("a@x.test", "1.1.1.4"));
    }

    [Fact]
    public void Memory_stays_bounded_under_a_spray_from_many_addresses()
    {
        var options = new AuthOptions { MaxFailures = 100, MaxTrackedKeys = 1000 };
        var throttle = new LoginThrottle(options, _clock);
        for (int i = 0; i < 5000; i++)
        {
            throttle.RecordFailure($"u{i}@x.test", $"10.{i / 65536}.{i / 256 % 256}.{i % 256}");
            _clock.Now += TimeSpan.FromMilliseconds(1);
        }
        var field = typeof(LoginThrottle).GetField("_entries", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var entries = (System.Collections.ICollection)field.GetValue(throttle)!;
        Assert.True(entries.Count <= options.MaxTrackedKeys + 2, $"tracked {entries.Count}");
    }
}
