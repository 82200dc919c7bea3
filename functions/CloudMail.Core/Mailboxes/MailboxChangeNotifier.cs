using System.Collections.Concurrent;

namespace CloudMail.Core.Mailboxes;

/// <summary>
/// In-process signal that a mailbox changed, so IMAP IDLE and NOOP can report new mail without polling.
/// Producers (delivery, APPEND, STORE, EXPUNGE in another session) call <see cref="Notify"/>; the signal
/// carries no data: listeners re-read the index. It reaches this process only: in Azure mode the listener's
/// ReplicaChangePoller fires it for mailboxes changed by other replicas or the Functions app.
/// </summary>
public sealed class MailboxChangeNotifier
{
    private readonly ConcurrentDictionary<string, Action> _subscribers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Signals everyone watching <paramref name="account"/> (any mailbox of it).</summary>
    public void Notify(string account)
    {
        if (_subscribers.TryGetValue(account, out var handlers)) handlers();
    }

    /// <summary>Calls <paramref name="onChange"/> on every change to the account until the result is disposed.</summary>
    public IDisposable Subscribe(string account, Action onChange)
    {
        _subscribers.AddOrUpdate(account, onChange, (_, existing) => existing + onChange);
        return new Subscription(this, account, onChange);
    }

    private sealed class Subscription(MailboxChangeNotifier owner, string account, Action handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            while (owner._subscribers.TryGetValue(account, out var current))
            {
                var next = current - handler;
                bool done = next is null
                    ? owner._subscribers.TryRemove(new KeyValuePair<string, Action>(account, current))
                    : owner._subscribers.TryUpdate(account, next, current);
                if (done) return;
            }
        }
    }
}
