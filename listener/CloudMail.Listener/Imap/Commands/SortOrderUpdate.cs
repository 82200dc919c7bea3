using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Sorting;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// A kept SORT order (<see cref="ImapServices.SortOrders"/>) brought up to date with the view's messages instead of
/// sorting every message again, for a mailbox that got new mail since: the kept messages still in the view keep their
/// relative order (the order is total and sequence order is UID order, RFC 5256 §3), and the messages the order does not
/// cover are sorted among themselves and placed one by one by binary search, compared as <see cref="MessageSorter"/>
/// compares. Only the compared messages' values are read. At most <see cref="MaxNew"/> messages, and a tenth of the view,
/// are placed so; otherwise, or when a message's bytes are gone, there is no update and the caller sorts anew.
/// </summary>
internal static class SortOrderUpdate
{
    /// <summary>The most messages placed into a kept order rather than sorting all again.</summary>
    public const int MaxNew = 1000;

    /// <summary>
    /// The view's positions (sequence number - 1) in sort order by <paramref name="criteria"/>, from the kept order
    /// <paramref name="keptOrder"/> over <paramref name="keptUids"/>; null when not worth it or not possible (see the class).
    /// <paramref name="headers"/>: whether a criterion reads the header (else no message's structure is read).
    /// </summary>
    public static async Task<int[]?> TryAsync(ImapSession s, uint[] keptUids, int[] keptOrder, IReadOnlyList<SortCriterion> criteria, bool headers,
        CancellationToken ct)
    {
        var selected = s.Selected!;
        uint[] view = selected.Uids.ToArray();
        var fresh = new List<int>();
        for (int i = 0; i < view.Length; i++)
            if (Array.BinarySearch(keptUids, view[i]) < 0) fresh.Add(i);
        if (fresh.Count > MaxNew || fresh.Count * 10 > view.Length) return null;
        var kept = new List<int>(keptOrder.Length);
        foreach (int p in keptOrder)
        {
            int i = Array.BinarySearch(view, keptUids[p]);
            if (i >= 0) kept.Add(i);
        }
        var known = new Dictionary<int, SortableMessage>();
        var placed = new List<SortableMessage>(fresh.Count);
        foreach (int p in fresh)
        {
            if (await SortableAsync(s, p, headers, known, ct).ConfigureAwait(false) is not { } m) return null;
            placed.Add(m);
        }
        var order = new List<int>(view.Length);
        int from = 0;
        foreach (var m in MessageSorter.Sort(placed, criteria))
        {
            // The first kept message from `from` on that sorts after m; messages placed later sort after m, so search on from there.
            int low = from, high = kept.Count;
            while (low < high)
            {
                int middle = low + (high - low) / 2;
                if (await SortableAsync(s, kept[middle], headers, known, ct).ConfigureAwait(false) is not { } other) return null;
                if (MessageSorter.Compare(other, m, criteria) < 0) low = middle + 1;
                else high = middle;
            }
            order.AddRange(kept.GetRange(from, low - from));
            order.Add(m.Seq - 1);
            from = low;
        }
        order.AddRange(kept.GetRange(from, kept.Count - from));
        await StructureWriteBack.FlushAsync(s, ct).ConfigureAwait(false);
        return [.. order];
    }

    /// <summary>The sort values of the message at <paramref name="position"/> of the view, read once per update.</summary>
    private static async Task<SortableMessage?> SortableAsync(ImapSession s, int position, bool headers, Dictionary<int, SortableMessage> known,
        CancellationToken ct)
    {
        if (known.TryGetValue(position, out var m)) return m;
        var subject = new SearchSubject { Seq = position + 1, Record = s.Selected!.RecordAt(position + 1), SearchTime = default };
        var values = headers ? await SearchMatches.OrderValuesAsync(s, subject, ct).ConfigureAwait(false) : MessageOrderValues.None;
        if (values is null) return null;
        return known[position] = SortFields.Sortable(subject, values);
    }
}
