using System.Collections.Concurrent;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// The SORT and THREAD values of stored messages (<see cref="MessageOrderValues"/>), by blob id, shared by every session
/// of the process: a blob's bytes never change, so its values never do, and copies share them. Without it each SORT or
/// THREAD of a large mailbox read and parsed every message's stored structure again (about 15 µs a message), as a webmail
/// client does on every page of the message list (Dovecot keeps the same values in its index cache). Bounded: when
/// <c>capacity</c> values are held it starts over empty rather than track recency. Thread-safe.
/// </summary>
internal sealed class MessageOrderCache(int capacity)
{
    private readonly ConcurrentDictionary<string, MessageOrderValues> _values = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>The values of blob <paramref name="blobId"/>, or null when not held.</summary>
    public MessageOrderValues? Get(string blobId) => _values.TryGetValue(blobId, out var values) ? values : null;

    /// <summary>Holds <paramref name="values"/> for blob <paramref name="blobId"/> and returns them.</summary>
    public MessageOrderValues Add(string blobId, MessageOrderValues values)
    {
        if (Volatile.Read(ref _count) >= capacity)
        {
            _values.Clear();
            Volatile.Write(ref _count, 0);
        }
        if (_values.TryAdd(blobId, values)) Interlocked.Increment(ref _count);
        return values;
    }

    /// <summary>Values held now (for tests).</summary>
    public int Count => Volatile.Read(ref _count);
}
