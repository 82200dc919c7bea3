using System.Collections.Concurrent;

namespace CloudMail.Core.Auth;

/// <summary>
/// Counts failed logins per account and per client IP and locks either out after too many. Shared by
/// SMTP AUTH, IMAP LOGIN/AUTHENTICATE and POP3 USER/PASS/AUTH. In-memory and bounded: when more than
/// <see cref="AuthOptions.MaxTrackedKeys"/> keys are tracked, expired ones are dropped first, then the least
/// recently used down to 90 % of the cap.
/// </summary>
public sealed class LoginThrottle(AuthOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    private sealed class Entry
    {
        public readonly Queue<DateTimeOffset> Failures = new();
        public DateTimeOffset LockedUntil;
        public DateTimeOffset LastTouched;
    }

    /// <summary>True when either key is locked out now.</summary>
    public bool IsLockedOut(string account, string remoteAddress) =>
        IsLocked("a:" + account) || IsLocked("ip:" + remoteAddress);

    /// <summary>Records a failed attempt for both keys.</summary>
    public void RecordFailure(string account, string remoteAddress)
    {
        Fail("a:" + account);
        Fail("ip:" + remoteAddress);
        Prune();
    }

    /// <summary>Clears the account's failures after a good login (the IP's record stays).</summary>
    public void RecordSuccess(string account) => _entries.TryRemove("a:" + account, out _);

    private bool IsLocked(string key)
    {
        if (!_entries.TryGetValue(key, out var e)) return false;
        lock (e) return e.LockedUntil > time.GetUtcNow();
    }

    private void Fail(string key)
    {
        var now = time.GetUtcNow();
        var e = _entries.GetOrAdd(key, _ => new Entry());
        lock (e)
        {
            e.LastTouched = now;
            e.Failures.Enqueue(now);
            while (e.Failures.Count > 0 && now - e.Failures.Peek() > options.FailureWindow) e.Failures.Dequeue();
            if (e.Failures.Count >= options.MaxFailures)
            {
                e.LockedUntil = now + options.LockoutDuration;
                e.Failures.Clear();
            }
        }
    }

    private int _pruning;

    private void Prune()
    {
        if (_entries.Count <= options.MaxTrackedKeys || Interlocked.Exchange(ref _pruning, 1) == 1) return;
        try
        {
            PruneNow();
        }
        finally
        {
            Volatile.Write(ref _pruning, 0);
        }
    }

    private void PruneNow()
    {
        var now = time.GetUtcNow();
        foreach (var (key, e) in _entries)
        {
            bool stale;
            lock (e) stale = e.LockedUntil <= now && now - e.LastTouched > options.FailureWindow;
            if (stale) _entries.TryRemove(key, out _);
        }
        // Still full of live entries: drop the least recently touched down to 90 % so pruning stays amortized O(1).
        int target = options.MaxTrackedKeys * 9 / 10;
        if (_entries.Count <= target) return;
        foreach (var key in _entries.OrderBy(kv => kv.Value.LastTouched).Take(_entries.Count - target).Select(kv => kv.Key).ToList())
            _entries.TryRemove(key, out _);
    }
}
