using System.Collections.Concurrent;

namespace CloudMail.Listener.Pop3;

/// <summary>
/// Exclusive per-account maildrop locks (RFC 1939 §4: after login the server acquires an exclusive-access lock on the maildrop for the
/// session; a second session gets <c>-ERR [IN-USE]</c>, RFC 2449 §8.1.1). In-process only: on a scale-out
/// deployment with several listener instances two sessions on different instances are not excluded; the
/// snapshot semantics (expunge of already-removed UIDs is harmless) keep that safe, if less strict.
/// </summary>
public sealed class Pop3MaildropLocks
{
    private readonly ConcurrentDictionary<string, Lease> _held = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Takes the lock of <paramref name="account"/>; null when another session holds it. Dispose the result to release.</summary>
    public IDisposable? TryAcquire(string account)
    {
        var lease = new Lease(this, account);
        return _held.TryAdd(account, lease) ? lease : null;
    }

    /// <summary>True while some session holds the lock of <paramref name="account"/>.</summary>
    public bool IsLocked(string account) => _held.ContainsKey(account);

    private sealed class Lease(Pop3MaildropLocks owner, string account) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                owner._held.TryRemove(new KeyValuePair<string, Lease>(account, this));
        }
    }
}
