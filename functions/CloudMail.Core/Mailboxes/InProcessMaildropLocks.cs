using System.Collections.Concurrent;

namespace CloudMail.Core.Mailboxes;

/// <summary>
/// <see cref="IMaildropLocks"/> within one process (the embedded server, which is one process): a concurrent set of
/// held accounts. Thread-safe; releasing twice is harmless.
/// </summary>
public sealed class InProcessMaildropLocks : IMaildropLocks
{
    private readonly ConcurrentDictionary<string, Lease> _held = new(StringComparer.OrdinalIgnoreCase);

    public Task<IAsyncDisposable?> TryAcquireAsync(string account, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        var lease = new Lease(this, account);
        return Task.FromResult<IAsyncDisposable?>(_held.TryAdd(account, lease) ? lease : null);
    }

    /// <summary>True while some session holds the lock of <paramref name="account"/>.</summary>
    public bool IsLocked(string account) => _held.ContainsKey(account);

    private sealed class Lease(InProcessMaildropLocks owner, string account) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                owner._held.TryRemove(new KeyValuePair<string, Lease>(account, this));
            return ValueTask.CompletedTask;
        }
    }
}
