namespace CloudMail.Core.Auth;

/// <summary>
/// Login throttling shared by SMTP AUTH, IMAP LOGIN/AUTHENTICATE and POP3 USER/PASS/AUTH. It never locks an account:
/// <list type="bullet">
/// <item>Failures are counted per (account, address), per account and per address (distinct accounts whose latest
/// attempt from it failed), within <see cref="AuthOptions.FailureWindow"/>.</item>
/// <item>Each attempt waits a growing delay (<see cref="AuthPenalty"/>) from the largest count that applies before its
/// password is checked. The account and address counts do not apply to an address that logged in to the account
/// within <see cref="AuthOptions.KnownAddressLifetime"/>, so failures elsewhere never slow its owner there.</item>
/// <item>Only a brute-forcing (account, address) pair (<see cref="AuthOptions.MaxFailuresPerAccountAddress"/>) or
/// address (<see cref="AuthOptions.MaxFailedAccountsPerAddress"/> distinct accounts; not for accounts it is known
/// for) is refused outright. Neither stops the owner logging in from another address.</item>
/// <item>A good login clears its pair, takes its account off the address's failing list and remembers the address.</item>
/// </list>
/// <see cref="Begin"/> decides and reserves in one step: an attempt in flight already counts as a failure, so
/// concurrent attempts cannot all pass while the hashes run; attempts in flight count toward the limits only, never the
/// delay, so a client's own parallel logins do not slow each other. When the attempts in flight alone reach a refusal
/// limit (too few have failed to refuse), the attempt is <see cref="LoginVerdict.Busy"/>: <see cref="BeginAsync"/> waits
/// for one to settle and decides again, so at most the limit's worth of passwords are checked at once for a pair or an
/// address, and a client's (or a NAT's) correct parallel logins queue instead of being refused as if they had failed.
/// An attempt whose client address is unknown (null: it came through a proxy that did not name the client) is throttled
/// per account only: its delay grows with the account's failures, it is never refused and touches no pair, address or
/// known-address entry (the proxy's address is everyone's). In memory; every table is bounded by
/// <see cref="AuthOptions.MaxTrackedKeys"/> (idle or expired entries are dropped first, then the least recently used
/// down to 90 %), and known addresses live in their own table so a spray of failures cannot push them out.
/// </summary>
public sealed class LoginThrottle(AuthOptions options, TimeProvider time)
{
    /// <summary>Failures kept per key beyond the refusal threshold: enough doublings to reach any delay cap.</summary>
    private const int DelaySteps = 32;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Account, string Address), FailureLog> _pairs = [];
    private readonly Dictionary<string, FailureLog> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AddressLog> _addresses = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string Address), DateTimeOffset> _known = [];

    /// <summary>Completed when an attempt settles, for busy attempts waiting in <see cref="BeginAsync"/>; null when none waits.</summary>
    private TaskCompletionSource? _settledSignal;

    /// <summary>The clock the throttle counts with (and the attempt's delay waits on).</summary>
    internal TimeProvider Time => time;

    /// <summary>Entries held across all tables (for monitoring and to check the memory bound).</summary>
    public int TrackedKeys
    {
        get
        {
            lock (_gate) return _pairs.Count + _accounts.Count + _addresses.Count + _known.Count;
        }
    }

    /// <summary>
    /// Decides the fate of one attempt of <paramref name="account"/> (normalized) from <paramref name="remoteAddress"/>
    /// (null: unknown, see the class remarks) and, unless refused, reserves it as a pending failure. The caller waits <see cref="LoginAttempt.WaitAsync"/>,
    /// then checks the password and reports <see cref="LoginAttempt.Succeeded"/> or <see cref="LoginAttempt.Failed"/>;
    /// disposing an attempt without either releases the reservation uncounted.
    /// </summary>
    public LoginAttempt Begin(string account, string? remoteAddress)
    {
        lock (_gate) return Decide(account, remoteAddress);
    }

    /// <summary>
    /// <see cref="Begin"/>, waiting while the attempt is <see cref="LoginVerdict.Busy"/> for attempts in flight to settle
    /// (each settling wakes the waiters to decide again), at most <see cref="AuthOptions.InFlightWait"/> on the
    /// throttle's clock; after that the attempt is refused under the limit the attempts in flight held it at. Never
    /// answers <see cref="LoginVerdict.Busy"/>.
    /// </summary>
    public async Task<LoginAttempt> BeginAsync(string account, string? remoteAddress, CancellationToken cancellationToken)
    {
        var giveUpAt = time.GetUtcNow() + options.InFlightWait;
        bool waitedEnough = false;
        while (true)
        {
            LoginAttempt attempt;
            Task settled;
            lock (_gate)
            {
                attempt = Decide(account, remoteAddress);
                if (attempt.Verdict != LoginVerdict.Busy) return attempt;
                if (waitedEnough) return new LoginAttempt(this, account, remoteAddress, attempt.BusyLimit, TimeSpan.Zero);
                // Taken under the same lock as the decision, so a settling between the two cannot be missed.
                settled = (_settledSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            var left = giveUpAt - time.GetUtcNow();
            try
            {
                if (left > TimeSpan.Zero) await settled.WaitAsync(left, time, cancellationToken).ConfigureAwait(false);
                else waitedEnough = true;
            }
            catch (TimeoutException)
            {
                waitedEnough = true; // decide once more: the last settling may have come just as the wait ran out
            }
        }
    }

    /// <summary>The decision of <see cref="Begin"/>; the caller holds <see cref="_gate"/>.</summary>
    private LoginAttempt Decide(string account, string? remoteAddress)
    {
        if (remoteAddress is null) return BeginForAccount(account);
        var key = (account, remoteAddress);
        var now = time.GetUtcNow();
        bool known = IsKnown(key, now);
        var pair = Touch(_pairs, key, now);
        var perAccount = Touch(_accounts, account, now);
        var perAddress = Touch(_addresses, remoteAddress, now);
        int pairFailures = pair.Count(now, options.FailureWindow);
        int accountFailures = known ? 0 : perAccount.Count(now, options.FailureWindow);
        int failedAccounts = known ? 0 : perAddress.Count(now, options.FailureWindow);

        // Counting attempts in flight as failures gives the limit reached; failures that happened refuse, attempts in
        // flight on top of them only make this one wait its turn.
        var reached = Limit(pairFailures, failedAccounts);
        var failed = Limit(pairFailures - pair.Pending, known ? 0 : failedAccounts - perAddress.Pending);
        var verdict = failed != LoginVerdict.Check ? failed : reached != LoginVerdict.Check ? LoginVerdict.Busy : LoginVerdict.Check;
        // The delay grows with failures that happened only, not with attempts in flight: a client that opens several
        // connections at once (IMAP clients do; a new phone from an address never seen before too) would otherwise
        // slow itself, 1, 2, 4, 8 s..., as each delayed attempt stays in flight while it waits. The limits above still
        // bound how many guesses run at once, and every failure still lengthens the next attempt's delay.
        int delayFailures = Math.Max(pairFailures - pair.Pending,
            known ? 0 : Math.Max(accountFailures - perAccount.Pending, failedAccounts - perAddress.Pending));
        var delay = AuthPenalty.For(delayFailures, options.FailureDelay, options.MaxFailureDelay);
        if (verdict == LoginVerdict.Check)
        {
            pair.Pending++;
            perAccount.Pending++;
            perAddress.Pending++;
        }
        else
        {
            // A refused or busy attempt reserves nothing: do not keep the empty entries it may have created.
            RemoveIfIdle(_pairs, key, pair, now);
            RemoveIfIdle(_accounts, account, perAccount, now);
            RemoveIfIdle(_addresses, remoteAddress, perAddress, now);
        }
        PruneAll(now);
        return new LoginAttempt(this, account, remoteAddress, verdict, delay) { BusyLimit = reached };
    }

    /// <summary>The refusal that <paramref name="pairFailures"/> and <paramref name="failedAccounts"/> reach, or Check.</summary>
    private LoginVerdict Limit(int pairFailures, int failedAccounts) =>
        pairFailures >= options.MaxFailuresPerAccountAddress ? LoginVerdict.RefusedForAccountAddress
        : failedAccounts >= options.MaxFailedAccountsPerAddress ? LoginVerdict.RefusedForAddress
        : LoginVerdict.Check;

    /// <summary>An attempt from an unknown address: the account's failures alone set the delay; never refused.</summary>
    private LoginAttempt BeginForAccount(string account)
    {
        var now = time.GetUtcNow();
        var perAccount = Touch(_accounts, account, now);
        var delay = AuthPenalty.For(perAccount.Count(now, options.FailureWindow) - perAccount.Pending, options.FailureDelay, options.MaxFailureDelay);
        perAccount.Pending++;
        PruneAll(now);
        return new LoginAttempt(this, account, null, LoginVerdict.Check, delay);
    }

    /// <summary>True when <paramref name="remoteAddress"/> logged in to <paramref name="account"/> recently enough to be known for it.</summary>
    public bool IsKnownAddress(string account, string remoteAddress)
    {
        lock (_gate) return IsKnown((account, remoteAddress), time.GetUtcNow());
    }

    /// <summary>Settles a reserved attempt; called once per attempt by <see cref="LoginAttempt"/>.</summary>
    internal void Complete(string account, string? remoteAddress, LoginOutcome outcome)
    {
        if (remoteAddress is null)
        {
            CompleteForAccount(account, outcome);
            return;
        }
        var key = (account, remoteAddress);
        TaskCompletionSource? signal;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var pair = Touch(_pairs, key, now);
            var perAccount = Touch(_accounts, account, now);
            var perAddress = Touch(_addresses, remoteAddress, now);
            pair.Release();
            perAccount.Release();
            perAddress.Release();
            switch (outcome)
            {
                case LoginOutcome.Failed:
                    pair.Add(now, Math.Max(options.MaxFailuresPerAccountAddress, DelaySteps));
                    perAccount.Add(now, DelaySteps);
                    perAddress.Fail(account, now, options.MaxFailedAccountsPerAddress);
                    break;
                case LoginOutcome.Succeeded:
                    pair.Clear();
                    perAddress.Succeed(account);
                    _known[key] = now;
                    break;
            }
            RemoveIfIdle(_pairs, key, pair, now);
            RemoveIfIdle(_accounts, account, perAccount, now);
            RemoveIfIdle(_addresses, remoteAddress, perAddress, now);
            PruneAll(now);
            signal = _settledSignal;
            _settledSignal = null;
        }
        signal?.SetResult();
    }

    private void CompleteForAccount(string account, LoginOutcome outcome)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var perAccount = Touch(_accounts, account, now);
            perAccount.Release();
            if (outcome == LoginOutcome.Failed) perAccount.Add(now, DelaySteps);
            RemoveIfIdle(_accounts, account, perAccount, now);
            PruneAll(now);
        }
    }

    private bool IsKnown((string, string) key, DateTimeOffset now)
    {
        if (!_known.TryGetValue(key, out var since)) return false;
        if (now - since <= options.KnownAddressLifetime) return true;
        _known.Remove(key);
        return false;
    }

    private static T Touch<TKey, T>(Dictionary<TKey, T> table, TKey key, DateTimeOffset now) where TKey : notnull where T : Tracked, new()
    {
        if (!table.TryGetValue(key, out var entry)) table[key] = entry = new T();
        entry.LastTouched = now;
        return entry;
    }

    private void RemoveIfIdle<TKey, T>(Dictionary<TKey, T> table, TKey key, T entry, DateTimeOffset now) where TKey : notnull where T : Tracked
    {
        if (entry.IsIdle(now, options.FailureWindow)) table.Remove(key);
    }

    private void PruneAll(DateTimeOffset now)
    {
        var window = options.FailureWindow;
        Prune(_pairs, e => e.IsIdle(now, window), e => e.LastTouched);
        Prune(_accounts, e => e.IsIdle(now, window), e => e.LastTouched);
        Prune(_addresses, e => e.IsIdle(now, window), e => e.LastTouched);
        Prune(_known, since => now - since > options.KnownAddressLifetime, since => since);
    }

    /// <summary>Over the cap: drop idle entries, then the least recently used down to 90 %, so pruning stays amortized O(1).</summary>
    private void Prune<TKey, TValue>(Dictionary<TKey, TValue> table, Func<TValue, bool> idle, Func<TValue, DateTimeOffset> lastUsed) where TKey : notnull
    {
        if (table.Count <= options.MaxTrackedKeys) return;
        foreach (var (key, value) in table)
        {
            if (idle(value)) table.Remove(key);
        }
        int target = options.MaxTrackedKeys * 9 / 10;
        if (table.Count <= target) return;
        foreach (var key in table.OrderBy(kv => lastUsed(kv.Value)).Take(table.Count - target).Select(kv => kv.Key).ToList())
            table.Remove(key);
    }

    /// <summary>A table entry: attempts in flight and when it was last used.</summary>
    private abstract class Tracked
    {
        public int Pending;
        public DateTimeOffset LastTouched;

        public void Release() => Pending = Math.Max(0, Pending - 1);

        public bool IsIdle(DateTimeOffset now, TimeSpan window) => Count(now, window) == 0;

        /// <summary>Recent failures (dropping expired ones) plus attempts in flight.</summary>
        public abstract int Count(DateTimeOffset now, TimeSpan window);
    }

    /// <summary>Times of recent failures of one key, oldest first, at most a cap of them.</summary>
    private sealed class FailureLog : Tracked
    {
        private readonly Queue<DateTimeOffset> _failures = new();

        public override int Count(DateTimeOffset now, TimeSpan window)
        {
            while (_failures.Count > 0 && now - _failures.Peek() >= window) _failures.Dequeue();
            return _failures.Count + Pending;
        }

        public void Add(DateTimeOffset now, int cap)
        {
            _failures.Enqueue(now);
            while (_failures.Count > cap) _failures.Dequeue();
        }

        public void Clear() => _failures.Clear();
    }

    /// <summary>The distinct accounts whose latest attempt from one address failed, with that time; at most a cap of them.</summary>
    private sealed class AddressLog : Tracked
    {
        private readonly Dictionary<string, DateTimeOffset> _failing = new(StringComparer.Ordinal);

        public override int Count(DateTimeOffset now, TimeSpan window)
        {
            foreach (var (account, at) in _failing)
            {
                if (now - at >= window) _failing.Remove(account);
            }
            return _failing.Count + Pending;
        }

        public void Fail(string account, DateTimeOffset now, int cap)
        {
            _failing[account] = now;
            if (_failing.Count > cap) _failing.Remove(_failing.MinBy(kv => kv.Value).Key);
        }

        public void Succeed(string account) => _failing.Remove(account);
    }
}
