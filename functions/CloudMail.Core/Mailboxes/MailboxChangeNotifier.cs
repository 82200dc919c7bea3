using System.Collections.Concurrent;

namespace CloudMail.Core.Mailboxes;

/// <summary>
/// In-process signal that a mailbox changed, so IMAP IDLE and NOOP can report new mail without polling.
/// Producers (delivery, APPEND, STORE, EXPUNGE in another session) call <see cref="Notify"/>; the signal
/// carries no data but its source: listeners re-read the index (a session skips a signal it sent itself for a change its
/// view already holds). It reaches this process only: in Azure mode the listener's
/// ReplicaChangePoller fires it for mailboxes changed by other replicas or the Functions app.
/// </summary>
public sealed class MailboxChangeNotifier
{
    private readonly ConcurrentDictionary<string, Action<object?>> _subscribers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Signals everyone watching <paramref name="account"/> (any mailbox of it), passing <paramref name="source"/> (null
    /// for none) to each, so that a subscriber can tell a signal it sent itself.
    /// </summary>
    public void Notify(string account, object? source = null)
    {
        if (_subscribers.TryGetValue(account, out var handlers)) handlers(source);
    }

    /// <summary>Calls <paramref name="onChange"/> with the signal's source on every change to the account until the result is disposed.</summary>
    public IDisposable Subscribe(string account, Action<object?> onChange)
    {
        _subscribers.AddOrUpdate(account, onChange, (_, existing) => existing + onChange);
        return new Subscription(this, account, onChange);
    }

    private sealed class Subscription(MailboxChangeNotifier owner, string account, Action<object?> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            while (owner._subscribers.TryGetValue(account, out var current))
            {
                var next = current - handler;
                bool done = next is null
                    ? owner._subscribers.TryRemove(new KeyValuePair<string, Action<object?>>(account, current))
                    : owner._subscribers.TryUpdate(account, next, current);
                if (done) return;
            }
        }
    }
}
