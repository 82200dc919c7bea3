using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>The answers of SEARCH and SORT: the plain list and the ESEARCH form.</summary>
internal static class SearchResultWriter
{
    /// <summary>
    /// <c>* SEARCH n1 n2 ...</c> or <c>* SORT n1 n2 ...</c> (RFC 3501 §7.2.5, RFC 5256 §4), the numbers in the order given,
    /// then <c>(MODSEQ m)</c> when <paramref name="highestModSeq"/> is set (RFC 7162 §3.1.5).
    /// </summary>
    public static void WritePlain(ImapResponseWriter w, string name, IEnumerable<uint> numbers, ulong? highestModSeq)
    {
        w.Raw("* ").Raw(name);
        foreach (uint n in numbers) w.Sp().Number(n);
        if (highestModSeq is { } modSeq) w.Raw(" (MODSEQ ").Number(modSeq).Raw(")");
        w.Crlf();
    }

    /// <summary>
    /// The ESEARCH answer (RFC 4731 §3.1): <c>* ESEARCH (TAG "t") [UID] [MIN n] [MAX n] [COUNT n] [ALL set] [MODSEQ m]</c>,
    /// MIN/MAX/ALL left out when nothing matched, ALL assumed for an empty RETURN (). SAVE (RFC 5182 §2.1) keeps the
    /// matches (<paramref name="uids"/>) for "$"; with SAVE alone nothing is written. With <paramref name="inSortOrder"/>
    /// (extended SORT, RFC 5267 §3.1) MIN and MAX are the first and last in sort order and ALL keeps that order, with
    /// ranges only over ascending runs (§3.2); otherwise the numbers are taken in ascending order. <paramref name="uids"/>
    /// are the matches' UIDs in the same order as <paramref name="numbers"/>. With <paramref name="partial"/> (RFC 5267
    /// §4.4, RFC 9394 §3.1) <c>PARTIAL (range set)</c> carries the matches at those positions of the result (NIL when
    /// none), and SAVE keeps just those.
    /// </summary>
    /// <remarks>
    /// <paramref name="modSeqOfUid"/> gives each match's MODSEQ when a MODSEQ key was used: with MIN and/or MAX but neither
    /// ALL nor COUNT, the MODSEQ result is that of the message(s) returned, not of every match (RFC 4731 §3.2).
    /// </remarks>
    public static void WriteEsearch(ImapSession s, string tag, bool uid, IReadOnlyList<string> options, IEnumerable<uint> numbers,
        IEnumerable<uint> uids, ulong? highestModSeq, bool inSortOrder, PartialRange? partial = null, Func<uint, ulong>? modSeqOfUid = null)
    {
        var uidList = inSortOrder ? uids.ToList() : [.. uids.Order()];
        if (options.Contains("SAVE")) s.Selected!.SavedSearch = (partial?.Apply(uidList) ?? uidList).ToHashSet();
        var wanted = options.Where(o => o != "SAVE").ToList();
        if (options.Count == 0) wanted.Add("ALL");
        if (wanted.Count == 0) return;
        var list = inSortOrder ? numbers.ToList() : [.. numbers.Order()];
        var w = s.W;
        w.Raw("* ESEARCH (TAG ").Quoted(tag).Raw(")");
        if (uid) w.Raw(" UID");
        if (wanted.Contains("MIN") && list.Count > 0) w.Raw(" MIN ").Number(list[0]);
        if (wanted.Contains("MAX") && list.Count > 0) w.Raw(" MAX ").Number(list[^1]);
        if (wanted.Contains("COUNT")) w.Raw(" COUNT ").Number(list.Count);
        if (wanted.Contains("ALL") && list.Count > 0) w.Raw(" ALL ").Raw(SequenceSet.Format(list));
        if (partial is not null)
        {
            var page = partial.Apply(list);
            w.Raw(" PARTIAL (").Raw(partial.ToString()).Sp().Raw(page.Count > 0 ? SequenceSet.Format(page) : "NIL").Raw(")");
        }
        if (highestModSeq is { } modSeq)
        {
            bool minMaxOnly = partial is null && !wanted.Contains("ALL") && !wanted.Contains("COUNT") && list.Count > 0;
            if (minMaxOnly && modSeqOfUid is not null && (wanted.Contains("MIN") || wanted.Contains("MAX")))
            {
                modSeq = 0;
                if (wanted.Contains("MIN")) modSeq = Math.Max(modSeq, modSeqOfUid(uidList[0]));
                if (wanted.Contains("MAX")) modSeq = Math.Max(modSeq, modSeqOfUid(uidList[^1]));
            }
            w.Raw(" MODSEQ ").Number(modSeq);
        }
        w.Crlf();
    }
}
