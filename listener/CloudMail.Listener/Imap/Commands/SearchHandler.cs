using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// SEARCH / UID SEARCH (RFC 3501 §6.4.4): "* SEARCH" with sequence numbers or UIDs; with a MODSEQ key the
/// highest MODSEQ of the matches is appended (RFC 7162 §3.1.5). CHARSET may be UTF-8 or US-ASCII.
/// </summary>
internal static class SearchHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SearchCommand command, CancellationToken ct)
    {
        if (SearchMatches.RefuseCharset(command.Charset) is { } refused) return refused;
        bool modSeq = MessageSearch.UsesModSeq(command.Key);
        var matches = (await SearchMatches.FindAsync(s, command.Key, structures: false, ct).ConfigureAwait(false))
            .Select(m => (m.Seq, m.Record.Uid, m.Record.ModSeq)).ToList();
        var w = s.W;
        if (command.Return is { } options)
        {
            WriteEsearch(s, command, options, matches, modSeq);
            return ImapCompletion.Ok(command.Name + " completed");
        }
        w.Raw("* SEARCH");
        foreach (var m in matches) w.Sp().Number(command.Uid ? m.Uid : m.Seq);
        if (modSeq && matches.Count > 0) w.Raw(" (MODSEQ ").Number(matches.Max(m => m.ModSeq)).Raw(")");
        w.Crlf();
        return ImapCompletion.Ok(command.Name + " completed");
    }

    /// <summary>
    /// The ESEARCH answer (RFC 4731 §3.1): <c>* ESEARCH (TAG "t") [UID] [MIN n] [MAX n] [COUNT n] [ALL set] [MODSEQ m]</c>,
    /// MIN/MAX/ALL left out when nothing matched, ALL assumed for an empty RETURN (). SAVE (RFC 5182 §2.1) keeps the
    /// matches for "$"; with SAVE alone nothing is written.
    /// </summary>
    private static void WriteEsearch(ImapSession s, SearchCommand command, IReadOnlyList<string> options, List<(int Seq, uint Uid, ulong ModSeq)> matches, bool modSeq)
    {
        var selected = s.Selected!;
        if (options.Contains("SAVE")) selected.SavedSearch = matches.Select(m => m.Uid).ToHashSet();
        var wanted = options.Where(o => o != "SAVE").ToList();
        if (options.Count == 0) wanted.Add("ALL");
        if (wanted.Count == 0) return;
        var numbers = matches.Select(m => command.Uid ? m.Uid : (uint)m.Seq).ToList();
        var w = s.W;
        w.Raw("* ESEARCH (TAG ").Quoted(command.Tag).Raw(")");
        if (command.Uid) w.Raw(" UID");
        if (wanted.Contains("MIN") && numbers.Count > 0) w.Raw(" MIN ").Number(numbers.Min());
        if (wanted.Contains("MAX") && numbers.Count > 0) w.Raw(" MAX ").Number(numbers.Max());
        if (wanted.Contains("COUNT")) w.Raw(" COUNT ").Number(numbers.Count);
        if (wanted.Contains("ALL") && numbers.Count > 0) w.Raw(" ALL ").Raw(SequenceSet.Format(numbers.Order()));
        if (modSeq && matches.Count > 0) w.Raw(" MODSEQ ").Number(matches.Max(m => m.ModSeq));
        w.Crlf();
    }
}
