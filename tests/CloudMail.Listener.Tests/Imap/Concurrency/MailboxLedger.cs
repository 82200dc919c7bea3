using System.Collections.Concurrent;

namespace CloudMail.Listener.Tests.Imap.Concurrency;

/// <summary>
/// What every session of one mailbox must agree on, kept across the sessions of a run (as imaptest's state tracker keeps
/// it): a message's RFC822.SIZE, INTERNALDATE and ENVELOPE never change and read the same in every session (RFC 3501
/// §2.3: a UID names one immutable message), and \Recent is shown to one session only (RFC 3501 §2.3.2).
/// </summary>
public sealed class MailboxLedger
{
    private readonly ConcurrentDictionary<(uint Uid, string Item), string> _items = new();
    private readonly ConcurrentDictionary<uint, string> _recentHolder = new();

    /// <summary>How many (message, item) values were recorded: a run that compared nothing proves nothing.</summary>
    public int Recorded => _items.Count;

    /// <summary>Records <paramref name="value"/> for the item, or returns the different value recorded first.</summary>
    public string? Disagreement(uint uid, string item, string value)
    {
        string first = _items.GetOrAdd((uid, item), value);
        return first == value ? null : first;
    }

    /// <summary>Records that <paramref name="session"/> saw \Recent on the message, or returns the other session that did.</summary>
    public string? OtherRecentHolder(uint uid, string session)
    {
        string holder = _recentHolder.GetOrAdd(uid, session);
        return holder == session ? null : holder;
    }
}
