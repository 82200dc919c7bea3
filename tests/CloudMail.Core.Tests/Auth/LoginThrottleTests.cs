using CloudMail.Core.Auth;

namespace CloudMail.Core.Tests.Auth;

public sealed class LoginThrottleTests
{
    private const string Account = "a@x.test";

    private readonly ManualClock _clock = new();

    private readonly AuthOptions _options = new()
    {
        FailureDelay = TimeSpan.FromSeconds(1),
        MaxFailureDelay = TimeSpan.FromSeconds(15),
        FailureWindow = TimeSpan.FromMinutes(10),
        MaxFailuresPerAccountAddress = 3,
        MaxFailedAccountsPerAddress = 5,
        KnownAddressLifetime = TimeSpan.FromDays(30),
    };

    private LoginThrottle NewThrottle() => new(_options, _clock);

    private static LoginAttempt Fail(LoginThrottle throttle, string account, string? address)
    {
        var attempt = throttle.Begin(account, address);
        if (!attempt.Refused) attempt.Failed();
        attempt.Dispose();
        return attempt;
    }

    private static void Succeed(LoginThrottle throttle, string account, string address)
    {
        using var attempt = throttle.Begin(account, address);
        Assert.False(attempt.Refused);
        attempt.Succeeded();
    }

    private static LoginAttempt Peek(LoginThrottle throttle, string account, string? address)
    {
        var attempt = throttle.Begin(account, address);
        attempt.Dispose();
        return attempt;
    }

    [Fact]
    public void An_unknown_address_is_throttled_per_account_only_never_refused_and_slows_only_that_account()
    {
        var throttle = NewThrottle();
        var attempts = Enumerable.Range(0, 10).Select(_ => Fail(throttle, Account, null)).ToList();

        Assert.All(attempts, a => Assert.Equal(LoginVerdict.Check, a.Verdict));
        Assert.Equal(TimeSpan.FromSeconds(15), Peek(throttle, Account, null).Delay); // grown with the account's failures
        Assert.Equal(TimeSpan.Zero, Peek(throttle, "b@x.test", null).Delay);        // others behind the same proxy are not slowed
        Assert.Equal(LoginVerdict.Check, Peek(throttle, "b@x.test", "192.0.2.1").Verdict);
    }

    [Fact]
    public void Failures_from_one_address_never_refuse_the_account_from_another_address()
    {
        var throttle = NewThrottle();
        var verdicts = Enumerable.Range(0, 10).Select(_ => Fail(throttle, Account, "192.0.2.1").Verdict).ToList();
        Assert.Equal([LoginVerdict.Check, LoginVerdict.Check, LoginVerdict.Check], verdicts.Take(3));
        Assert.All(verdicts.Skip(3), v => Assert.Equal(LoginVerdict.RefusedForAccountAddress, v));

        var elsewhere = Peek(throttle, Account, "198.51.100.7");
        Assert.Equal(LoginVerdict.Check, elsewhere.Verdict);
    }

    [Fact]
    public void The_delay_doubles_per_failure_of_the_pair_up_to_the_cap()
    {
        _options.MaxFailuresPerAccountAddress = 100;
        var throttle = NewThrottle();
        var delays = Enumerable.Range(0, 7).Select(_ => Fail(throttle, Account, "192.0.2.1").Delay.TotalSeconds).ToList();
        Assert.Equal([0, 1, 2, 4, 8, 15, 15], delays);
    }

    [Fact]
    public void Failures_elsewhere_slow_an_unknown_address_but_not_one_that_logged_in_before()
    {
        var throttle = NewThrottle();
        Succeed(throttle, Account, "203.0.113.5"); // the owner's usual address
        for (int i = 0; i < 4; i++) Fail(throttle, Account, $"192.0.2.{i}");

        Assert.Equal(TimeSpan.Zero, Peek(throttle, Account, "203.0.113.5").Delay);
        var stranger = Peek(throttle, Account, "198.51.100.7");
        Assert.Equal(LoginVerdict.Check, stranger.Verdict);
        Assert.Equal(TimeSpan.FromSeconds(8), stranger.Delay);
    }

    [Fact]
    public void A_known_address_is_forgotten_after_its_lifetime()
    {
        var throttle = NewThrottle();
        Succeed(throttle, Account, "203.0.113.5");
        _clock.Now += TimeSpan.FromDays(29);
        Assert.True(throttle.IsKnownAddress(Account, "203.0.113.5"));
        _clock.Now += TimeSpan.FromDays(2);
        Assert.False(throttle.IsKnownAddress(Account, "203.0.113.5"));
    }

    [Fact]
    public void A_refused_pair_is_let_in_again_when_its_oldest_failure_ages_out()
    {
        var throttle = NewThrottle();
        Fail(throttle, Account, "192.0.2.1");
        _clock.Now += TimeSpan.FromMinutes(5);
        Fail(throttle, Account, "192.0.2.1");
        Fail(throttle, Account, "192.0.2.1");
        Assert.True(Peek(throttle, Account, "192.0.2.1").Refused);
        _clock.Now += TimeSpan.FromMinutes(5);
        Assert.False(Peek(throttle, Account, "192.0.2.1").Refused);
    }

    [Fact]
    public void One_accounts_typos_count_once_toward_the_address_limit()
    {
        var throttle = NewThrottle();
        for (int i = 0; i < 10; i++) Fail(throttle, "clumsy@x.test", "192.0.2.1");
        var colleague = Peek(throttle, "colleague@x.test", "192.0.2.1");
        Assert.Equal(LoginVerdict.Check, colleague.Verdict);
        Assert.Equal(TimeSpan.FromSeconds(1), colleague.Delay); // one failing account at the address
    }

    [Fact]
    public void An_address_failing_on_many_accounts_is_refused_except_for_accounts_known_there()
    {
        var throttle = NewThrottle();
        Succeed(throttle, "regular@x.test", "192.0.2.1");
        for (int i = 0; i < 5; i++) Fail(throttle, $"user{i}@x.test", "192.0.2.1");

        Assert.Equal(LoginVerdict.RefusedForAddress, Peek(throttle, "newcomer@x.test", "192.0.2.1").Verdict);
        Assert.Equal(LoginVerdict.Check, Peek(throttle, "regular@x.test", "192.0.2.1").Verdict);
        Assert.Equal(LoginVerdict.Check, Peek(throttle, "newcomer@x.test", "192.0.2.2").Verdict);
    }

    [Fact]
    public void A_good_login_takes_its_account_off_the_address_record_and_clears_its_pair()
    {
        var throttle = NewThrottle();
        for (int i = 0; i < 4; i++) Fail(throttle, $"user{i}@x.test", "192.0.2.1");
        Fail(throttle, "user0@x.test", "192.0.2.1");
        Succeed(throttle, "user0@x.test", "192.0.2.1");
        Fail(throttle, "user4@x.test", "192.0.2.1"); // four failing accounts again, not five

        Assert.Equal(LoginVerdict.Check, Peek(throttle, "newcomer@x.test", "192.0.2.1").Verdict);
        Assert.Equal(TimeSpan.Zero, Peek(throttle, "user0@x.test", "192.0.2.1").Delay);
    }

    [Fact]
    public void Attempts_in_flight_fill_the_limit_until_they_are_settled_without_slowing_each_other()
    {
        // A new device opening several connections from an address never seen for the account: none waits a penalty.
        var throttle = NewThrottle();
        var inFlight = Enumerable.Range(0, 3).Select(_ => throttle.Begin(Account, "192.0.2.1")).ToList();
        Assert.All(inFlight, a => Assert.False(a.Refused));
        Assert.All(inFlight, a => Assert.Equal(TimeSpan.Zero, a.Delay));
        Assert.Equal(LoginVerdict.Busy, Peek(throttle, Account, "192.0.2.1").Verdict);

        inFlight[0].Succeeded();
        foreach (var attempt in inFlight) attempt.Dispose(); // the other two end unchecked: released uncounted
        Assert.Equal(LoginVerdict.Check, Peek(throttle, Account, "192.0.2.1").Verdict);
        Assert.Equal(TimeSpan.Zero, Peek(throttle, Account, "192.0.2.1").Delay);
    }

    [Fact]
    public void Attempts_in_flight_from_a_known_address_do_not_slow_each_other_but_still_fill_the_limit()
    {
        var throttle = NewThrottle();
        Succeed(throttle, Account, "192.0.2.1");
        var inFlight = Enumerable.Range(0, 3).Select(_ => throttle.Begin(Account, "192.0.2.1")).ToList();
        Assert.All(inFlight, a => Assert.Equal(TimeSpan.Zero, a.Delay));
        Assert.Equal(LoginVerdict.Busy, Peek(throttle, Account, "192.0.2.1").Verdict);
        foreach (var attempt in inFlight) attempt.Dispose();

        Fail(throttle, Account, "192.0.2.1"); // a real failure still slows the known address
        Assert.Equal(TimeSpan.FromSeconds(1), Peek(throttle, Account, "192.0.2.1").Delay);
    }

    [Fact]
    public void Only_failures_that_happened_set_the_delay_of_attempts_in_flight_beside_them()
    {
        var throttle = NewThrottle();
        Fail(throttle, "other@x.test", "192.0.2.1"); // one failing account from the address, one failure of the account elsewhere
        Fail(throttle, Account, "198.51.100.1");
        var inFlight = Enumerable.Range(0, 2).Select(_ => throttle.Begin(Account, "192.0.2.1")).ToList();
        Assert.All(inFlight, a => Assert.Equal(TimeSpan.FromSeconds(1), a.Delay));
        Assert.Equal(TimeSpan.FromSeconds(1), Peek(throttle, "third@x.test", "192.0.2.1").Delay);
        inFlight[0].Failed();
        Assert.Equal(TimeSpan.FromSeconds(2), Peek(throttle, Account, "192.0.2.1").Delay);
        inFlight[1].Dispose();
        inFlight[0].Dispose();

        var viaProxy = Enumerable.Range(0, 3).Select(_ => throttle.Begin("proxied@x.test", null)).ToList();
        Assert.All(viaProxy, a => Assert.Equal(TimeSpan.Zero, a.Delay));
        foreach (var attempt in viaProxy) attempt.Dispose();
    }

    [Fact]
    public void Failures_refuse_but_attempts_in_flight_on_top_of_them_only_make_the_next_one_wait()
    {
        var throttle = NewThrottle();
        Fail(throttle, Account, "192.0.2.1");
        Fail(throttle, Account, "192.0.2.1");
        using (var inFlight = throttle.Begin(Account, "192.0.2.1"))
        {
            Assert.Equal(LoginVerdict.Check, inFlight.Verdict);
            var busy = Peek(throttle, Account, "192.0.2.1");
            Assert.Equal(LoginVerdict.Busy, busy.Verdict);
            Assert.False(busy.Refused);
            inFlight.Failed();
        }
        Assert.Equal(LoginVerdict.RefusedForAccountAddress, Peek(throttle, Account, "192.0.2.1").Verdict);
    }

    [Fact]
    public void Attempts_in_flight_from_an_address_make_the_next_account_wait_but_only_failures_refuse_it()
    {
        var throttle = NewThrottle();
        for (int i = 0; i < 4; i++) Fail(throttle, $"user{i}@x.test", "192.0.2.1");
        using (var inFlight = throttle.Begin("user4@x.test", "192.0.2.1"))
        {
            Assert.Equal(LoginVerdict.Busy, Peek(throttle, "user5@x.test", "192.0.2.1").Verdict);
            inFlight.Failed();
        }
        Assert.Equal(LoginVerdict.RefusedForAddress, Peek(throttle, "user5@x.test", "192.0.2.1").Verdict);
    }

    [Fact]
    public async Task A_busy_attempt_waits_for_one_in_flight_to_settle_and_is_then_checked()
    {
        var throttle = NewThrottle();
        var inFlight = Enumerable.Range(0, 3).Select(_ => throttle.Begin(Account, "192.0.2.1")).ToList();
        var waiting = throttle.BeginAsync(Account, "192.0.2.1", CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        inFlight[0].Succeeded();
        using var attempt = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(LoginVerdict.Check, attempt.Verdict);
        foreach (var other in inFlight) other.Dispose();
    }

    [Fact]
    public async Task A_busy_attempt_that_waits_past_its_limit_is_refused()
    {
        _options.InFlightWait = TimeSpan.FromMilliseconds(100);
        var throttle = NewThrottle();
        var inFlight = Enumerable.Range(0, 3).Select(_ => throttle.Begin(Account, "192.0.2.1")).ToList();
        var attempt = await throttle.BeginAsync(Account, "192.0.2.1", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(LoginVerdict.RefusedForAccountAddress, attempt.Verdict);
        foreach (var other in inFlight) other.Dispose();
        Assert.Equal(LoginVerdict.Check, Peek(throttle, Account, "192.0.2.1").Verdict); // the refusal reserved nothing
    }

    [Fact]
    public void Failures_older_than_the_window_do_not_count()
    {
        var throttle = NewThrottle();
        Fail(throttle, Account, "192.0.2.1");
        Fail(throttle, Account, "192.0.2.1");
        _clock.Now += TimeSpan.FromMinutes(11);
        Assert.Equal(TimeSpan.Zero, Peek(throttle, Account, "192.0.2.1").Delay);
        Assert.Equal(TimeSpan.Zero, Peek(throttle, Account, "198.51.100.7").Delay);
    }

    [Fact]
    public void Memory_stays_bounded_under_a_spray_and_known_addresses_survive_it()
    {
        var options = new AuthOptions { MaxFailuresPerAccountAddress = 100, MaxFailedAccountsPerAddress = 1000, MaxTrackedKeys = 1000 };
        var throttle = new LoginThrottle(options, _clock);
        Succeed(throttle, Account, "203.0.113.5");
        for (int i = 0; i < 5000; i++)
        {
            Fail(throttle, $"u{i}@x.test", $"10.{i / 65536}.{i / 256 % 256}.{i % 256}");
            _clock.Now += TimeSpan.FromMilliseconds(1);
        }
        Assert.InRange(throttle.TrackedKeys, 1, 4 * options.MaxTrackedKeys);
        Assert.True(throttle.IsKnownAddress(Account, "203.0.113.5"));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(4, 8)]
    [InlineData(5, 15)]
    [InlineData(1000, 15)]
    public void Penalty_is_none_then_the_first_step_doubled_per_failure_up_to_the_cap(int failures, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), AuthPenalty.For(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15)));
}
