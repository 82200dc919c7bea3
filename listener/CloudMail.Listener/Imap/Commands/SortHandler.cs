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
/// its order in the process's <see cref="SortOrderCache"/>; a later SORT by the same criteria over the same messages
/// takes the matches in that order instead of sorting again.
/// </summary>
internal static class SortHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SortCommand command, CancellationToken ct)
    {
        if (SearchMatches.RefuseCharset(s, command.Charset, mandatory: true) is { } refused) return refused;
        var selected = s.Selected!;
        string criteria = SortOrderCache.Name(command.Criteria);
        List<SearchSubject> matches;
        IEnumerable<int> positions;
        if (s.Services.SortOrders.Get(s.Account, selected.UidValidity, criteria, selected.Uids) is { } kept)
        {
            matches = await SearchMatches.FindAsync(s, command.Key, structures: false, ct).ConfigureAwait(false);
            positions = kept.Positions;
        }
        else
        {
            bool headers = command.Criteria.Any(c => c.Key is not (SortKey.Arrival or SortKey.Size));
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
            int[] order = [.. MessageSorter.Sort(sortable, command.Criteria).Select(m => m.Seq - 1)];
            if (matches.Count == selected.Count && matches.Count > 0)
                s.Services.SortOrders.Add(s.Account, selected.UidValidity, criteria, new SortOrder(selected.Uids.ToArray(), order));
            positions = order;
        }
        var bySeq = new SearchSubject?[selected.Count];
        foreach (var m in matches) bySeq[m.Seq - 1] = m;
        var sorted = new List<SearchSubject>(matches.Count);
        foreach (int p in positions)
            if (bySeq[p] is { } m) sorted.Add(m);
        var numbers = sorted.Select(m => command.Uid ? m.Record.Uid : (uint)m.Seq);
        ulong? modSeq = SearchMatches.HighestModSeq(command.Key, matches);
        if (command.Return is { } options)
            SearchResultWriter.WriteEsearch(s, command.Tag, command.Uid, options, numbers, sorted.Select(m => m.Record.Uid), modSeq, inSortOrder: true, command.Partial, modSeq is null ? null : SearchMatches.ModSeqByUid(matches));
        else
            SearchResultWriter.WritePlain(s.W, "SORT", numbers, modSeq);
        return ImapCompletion.Ok(command.Name + " completed");
    }
}
