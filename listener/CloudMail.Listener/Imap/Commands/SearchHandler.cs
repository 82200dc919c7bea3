using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// SEARCH / UID SEARCH (RFC 3501 §6.4.4): "* SEARCH" with sequence numbers or UIDs, or ESEARCH with RETURN (RFC 4731);
/// with a MODSEQ key the highest MODSEQ of the matches is appended (RFC 7162 §3.1.5). CHARSET may be UTF-8 or US-ASCII, and
/// none is allowed after ENABLE UTF8=ACCEPT (RFC 6855 §3).
/// After ENABLE IMAP4rev2 every SEARCH answers with ESEARCH (RFC 9051 §6.4.4).
/// </summary>
internal static class SearchHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SearchCommand command, CancellationToken ct)
    {
        if (SearchMatches.RefuseCharset(s, command.Charset, mandatory: false) is { } refused) return refused;
        var matches = await SearchMatches.FindAsync(s, command.Key, structures: false, ct).ConfigureAwait(false);
        var numbers = matches.Select(m => command.Uid ? m.Record.Uid : (uint)m.Seq);
        ulong? modSeq = SearchMatches.HighestModSeq(command.Key, matches);
        // RFC 9051 §6.4.4: in IMAP4rev2 a SEARCH without RETURN is RETURN (ALL), answered with ESEARCH.
        if ((command.Return ?? (s.Rev2 ? ["ALL"] : null)) is { } options)
            SearchResultWriter.WriteEsearch(s, command.Tag, command.Uid, options, numbers, matches.Select(m => m.Record.Uid), modSeq, inSortOrder: false, command.Partial, modSeq is null ? null : SearchMatches.ModSeqByUid(matches));
        else
            SearchResultWriter.WritePlain(s.W, "SEARCH", numbers, modSeq);
        return ImapCompletion.Ok(command.Name + " completed");
    }
}
