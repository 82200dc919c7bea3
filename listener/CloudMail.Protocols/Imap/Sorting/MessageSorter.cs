using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Protocols.Imap.Sorting;

/// <summary>The values the SORT keys of one message compare (RFC 5256 §3, RFC 5957 §3); a missing value is "".</summary>
/// <param name="Seq">The message sequence number, the final tie-break (RFC 5256 §3).</param>
/// <param name="Uid">The UID, what UID SORT answers.</param>
/// <param name="Arrival">ARRIVAL: the internal date and time.</param>
/// <param name="Sent">DATE: the sent date (RFC 5256 §2.2: the Date header, else the internal date).</param>
/// <param name="Size">SIZE: the size in octets.</param>
/// <param name="Subject">SUBJECT: the base subject (RFC 5256 §2.1).</param>
/// <param name="From">FROM: addr-mailbox of the first From address.</param>
/// <param name="To">TO: addr-mailbox of the first To address.</param>
/// <param name="Cc">CC: addr-mailbox of the first Cc address.</param>
/// <param name="DisplayFrom">DISPLAYFROM: the display value of the first From address (RFC 5957 §3).</param>
/// <param name="DisplayTo">DISPLAYTO: the display value of the first To address (RFC 5957 §3).</param>
public sealed record SortableMessage(
    int Seq,
    uint Uid,
    DateTimeOffset Arrival,
    DateTimeOffset Sent,
    long Size,
    string Subject,
    string From,
    string To,
    string Cc,
    string DisplayFrom,
    string DisplayTo);

/// <summary>
/// Orders messages by SORT criteria (RFC 5256 §3): each criterion in turn, REVERSE reversing only its own criterion,
/// strings by i;ascii-casemap, dates as instants; messages equal on every criterion keep mailbox (sequence) order.
/// Pure.
/// </summary>
public static class MessageSorter
{
    /// <summary>The messages in sorted order.</summary>
    public static IReadOnlyList<SortableMessage> Sort(IEnumerable<SortableMessage> messages, IReadOnlyList<SortCriterion> criteria)
    {
        var list = messages.ToList();
        var order = criteria.ToArray(); // indexed below: a foreach over the interface would allocate per comparison
        // A string criterion compares collation keys made once per message (AsciiCaseMap.Key: octets compared with a
        // vectorized search), not the strings themselves in each of the n log n comparisons.
        var keys = new byte[]?[order.Length][];
        for (int c = 0; c < order.Length; c++)
            if (TextOf(order[c].Key) is { } text) keys[c] = [.. list.Select(m => AsciiCaseMap.Key(text(m)))];
        int[] positions = [.. Enumerable.Range(0, list.Count)];
        Array.Sort(positions, (x, y) =>
        {
            for (int c = 0; c < order.Length; c++)
            {
                int r = keys[c] is { } k ? k[x].AsSpan().SequenceCompareTo(k[y]) : Compare(order[c].Key, list[x], list[y]);
                if (r != 0) return order[c].Reverse ? -r : r;
            }
            return list[x].Seq.CompareTo(list[y].Seq);
        });
        return Array.ConvertAll(positions, p => list[p]);
    }

    /// <summary>
    /// The order <see cref="Sort"/> puts two messages in: negative when <paramref name="a"/> comes first. For placing a few
    /// messages into a kept order: strings compared by <see cref="AsciiCaseMap"/> directly (the order its keys give).
    /// </summary>
    public static int Compare(SortableMessage a, SortableMessage b, IReadOnlyList<SortCriterion> criteria)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(criteria);
        for (int c = 0; c < criteria.Count; c++)
        {
            var key = criteria[c].Key;
            int r = TextOf(key) is { } text ? AsciiCaseMap.Instance.Compare(text(a), text(b)) : Compare(key, a, b);
            if (r != 0) return criteria[c].Reverse ? -r : r;
        }
        return a.Seq.CompareTo(b.Seq);
    }

    /// <summary>What a string criterion compares of a message; null for a criterion that is not a string.</summary>
    private static Func<SortableMessage, string>? TextOf(SortKey key) => key switch
    {
        SortKey.Subject => m => m.Subject,
        SortKey.From => m => m.From,
        SortKey.To => m => m.To,
        SortKey.Cc => m => m.Cc,
        SortKey.DisplayFrom => m => m.DisplayFrom,
        SortKey.DisplayTo => m => m.DisplayTo,
        _ => null,
    };

    private static int Compare(SortKey key, SortableMessage a, SortableMessage b) => key switch
    {
        SortKey.Arrival => a.Arrival.CompareTo(b.Arrival),
        SortKey.Date => a.Sent.CompareTo(b.Sent),
        SortKey.Size => a.Size.CompareTo(b.Size),
        _ => 0,
    };
}
