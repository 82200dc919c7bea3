using System.Collections.Concurrent;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// Whole-mailbox SORT orders, shared by every session of the process: a webmail client sorts the same mailbox by the same
/// criteria for every page it shows, often over a new connection each time, and with 50,000 messages building the order
/// costs about 100 ms where Dovecot answers from the sort order its index keeps. An order is kept under (account,
/// UIDVALIDITY, criteria) with the ascending UIDs it covers, and is given back only to a view holding exactly those UIDs:
/// the SORT values of a message (RFC 5256 §2: internal date, size, header fields) never change while its UID stands
/// (RFC 3501 §2.3.1.1), and an account never reuses a UIDVALIDITY, even after it is erased and made again, so an order of
/// the same UIDs is the order of the same messages. A SORT whose search matched only some of them takes the order's
/// subsequence: the order is total (equal messages keep sequence order, which is UID order), so the matches alone sort
/// the same way. Bounded: when more than <c>capacity</c> messages' positions are held it starts over empty. Thread-safe.
/// </summary>
internal sealed class SortOrderCache(int capacity)
{
    private readonly ConcurrentDictionary<(string Account, uint UidValidity, string Criteria), SortOrder> _orders = new();
    private int _held;

    /// <summary>Orders given back (for tests).</summary>
    public int Hits => Volatile.Read(ref _hits);

    private int _hits;

    /// <summary>The key <paramref name="criteria"/> are kept under: each criterion, REVERSE marked.</summary>
    public static string Name(IReadOnlyList<SortCriterion> criteria) =>
        string.Join(' ', criteria.Select(c => c.Reverse ? "-" + c.Key : c.Key.ToString()));

    /// <summary>The order kept for exactly <paramref name="uids"/> (ascending) of the mailbox, or null.</summary>
    public SortOrder? Get(string account, uint uidValidity, string criteria, ReadOnlySpan<uint> uids)
    {
        if (!_orders.TryGetValue((account, uidValidity, criteria), out var order) || !order.Uids.AsSpan().SequenceEqual(uids)) return null;
        Interlocked.Increment(ref _hits);
        return order;
    }

    /// <summary>Keeps <paramref name="order"/>, replacing the one held under the same key (kept for other UIDs).</summary>
    public void Add(string account, uint uidValidity, string criteria, SortOrder order)
    {
        if (order.Uids.Length > capacity) return;
        var key = (account, uidValidity, criteria);
        lock (_orders)
        {
            if (_orders.TryGetValue(key, out var replaced)) _held -= replaced.Uids.Length;
            if (_held + order.Uids.Length > capacity)
            {
                _orders.Clear();
                _held = 0;
            }
            _orders[key] = order;
            _held += order.Uids.Length;
        }
    }

    /// <summary>Messages whose positions are held now (for tests).</summary>
    public int Held
    {
        get
        {
            lock (_orders) return _held;
        }
    }
}

/// <summary>
/// A mailbox's messages in sort order: <see cref="Uids"/> ascending (sequence order when the view holds exactly these) and
/// <see cref="Positions"/>, their indexes into <see cref="Uids"/> in sort order.
/// </summary>
internal sealed record SortOrder(uint[] Uids, int[] Positions);
