using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Sorting;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// SORT / UID SORT (RFC 5256 §3, DISPLAYFROM/DISPLAYTO from RFC 5957): the messages matching the search keys (evaluated
/// as SEARCH does), answered as <c>* SORT n1 n2 ...</c> in sort order, by sequence number or UID, or with RETURN as
/// ESEARCH in sort order (RFC 5267 §3.1 ESORT); with a MODSEQ key the highest MODSEQ of the matches is appended
/// (RFC 7162 §3.1.5). The charset may be UTF-8 or US-ASCII. A sort whose search matched every message of the view keeps
/// its order in the process's <see cref="ImapServices.SortOrders"/>; a later SORT by the same criteria over the same messages
/// takes the matches in that order instead of sorting again, and over the same messages and a few new ones places those
/// into it (<see cref="SortOrderUpdate"/>).
/// </summary>
internal static class SortHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SortCommand command, CancellationToken ct)
    {
        if (SearchMatches.RefuseCharset(s, command.Charset, mandatory: true) is { } refused) return refused;
        var selected = s.Selected!;
        string name = CacheName(command.Criteria);
        bool headers = command.Criteria.Any(c => c.Key is not (SortKey.Arrival or SortKey.Size));
        List<SearchSubject> matches;
        IEnumerable<int> positions;
        if (await KeptOrderAsync(s, name, command.Criteria, headers, ct).ConfigureAwait(false) is { } kept)
        {
            // SORT ... ALL, what a webmail client sends for each page, matches every message: nothing to search.
            matches = command.Key is SearchAll ? [] : await SearchMatches.FindAsync(s, command.Key, structures: false, ct).ConfigureAwait(false);
            positions = command.Key is SearchAll ? kept : InOrder(kept, matches, selected.Count);
        }
        else
        {
            (matches, int[] order) = await SortAsync(s, command, headers, ct).ConfigureAwait(false);
            if (matches.Count == selected.Count && matches.Count > 0)
                s.Services.SortOrders.Add(s.Account, selected.UidValidity, name, selected.Uids.ToArray(), order);
            positions = order;
        }
        var uids = positions.Select(p => selected.UidAt(p + 1));
        var numbers = command.Uid ? uids : positions.Select(p => (uint)(p + 1));
        ulong? modSeq = SearchMatches.HighestModSeq(command.Key, matches);
        if (command.Return is { } options)
            SearchResultWriter.WriteEsearch(s, command.Tag, command.Uid, options, numbers, uids, modSeq, inSortOrder: true, command.Partial, modSeq is null ? null : SearchMatches.ModSeqByUid(matches));
        else
            SearchResultWriter.WritePlain(s.W, "SORT", numbers, modSeq);
        return ImapCompletion.Ok(command.Name + " completed");
    }

    /// <summary>
    /// The kept order of the view's messages (positions, sequence number - 1), brought up to date and kept again when new
    /// mail came since (<see cref="SortOrderUpdate"/>); null when there is none to use.
    /// </summary>
    private static async Task<int[]?> KeptOrderAsync(ImapSession s, string name, IReadOnlyList<SortCriterion> criteria, bool headers, CancellationToken ct)
    {
        var selected = s.Selected!;
        var orders = s.Services.SortOrders;
        if (orders.Get(s.Account, selected.UidValidity, name, selected.Uids) is { } kept) return kept;
        if (orders.Latest(s.Account, selected.UidValidity, name) is not { } earlier
            || await SortOrderUpdate.TryAsync(s, earlier.Uids, earlier.Value, criteria, headers, ct).ConfigureAwait(false) is not { } current)
        {
            return null;
        }
        orders.Add(s.Account, selected.UidValidity, name, selected.Uids.ToArray(), current, updated: true);
        return current;
    }

    /// <summary>The matches of the command's search and their positions in sort order, every match's values read.</summary>
    private static async Task<(List<SearchSubject> Matches, int[] Order)> SortAsync(ImapSession s, SortCommand command, bool headers, CancellationToken ct)
    {
        List<SearchSubject> matches;
        IEnumerable<SortableMessage> sortable;
        if (headers)
        {
            var found = await SearchMatches.FindOrderedAsync(s, command.Key, ct).ConfigureAwait(false);
            matches = found.ConvertAll(f => f.Match);
            sortable = found.Select(f => SortFields.Sortable(f.Match, f.Values));
        }
        else
        {
            // ARRIVAL and SIZE only: nothing of the header is needed.
            matches = await SearchMatches.FindAsync(s, command.Key, structures: false, ct).ConfigureAwait(false);
            sortable = matches.Select(m => SortFields.Sortable(m, MessageOrderValues.None));
        }
        return (matches, [.. MessageSorter.Sort(sortable, command.Criteria).Select(m => m.Seq - 1)]);
    }

    /// <summary>What an order by <paramref name="criteria"/> is kept as: each criterion, REVERSE marked.</summary>
    private static string CacheName(IReadOnlyList<SortCriterion> criteria) =>
        string.Join(' ', criteria.Select(c => c.Reverse ? "-" + c.Key : c.Key.ToString()));

    /// <summary>The positions (sequence number - 1) of <paramref name="matches"/> in the order of <paramref name="kept"/>.</summary>
    private static List<int> InOrder(int[] kept, List<SearchSubject> matches, int count)
    {
        var matched = new bool[count];
        foreach (var m in matches) matched[m.Seq - 1] = true;
        var positions = new List<int>(matches.Count);
        foreach (int p in kept)
            if (matched[p]) positions.Add(p);
        return positions;
    }
}
