using CloudMail.Core.Mailboxes.Search;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// The search evaluation SEARCH, SORT and THREAD share (RFC 3501 §6.4.4, RFC 5256 §3): the charset check and the
/// messages of the selected mailbox matching a key, in mailbox order.
/// </summary>
internal static class SearchMatches
{
    /// <summary>
    /// Null when <paramref name="charset"/> (null: none given) is acceptable; otherwise the refusal. Once UTF8=ACCEPT is
    /// enabled (RFC 6855 §3 with its verified erratum 4029) strings are UTF-8 by definition and a charset label conflicts:
    /// SEARCH's optional CHARSET is refused with BAD whatever it says, and the mandatory charset of SORT and THREAD
    /// (<paramref name="mandatory"/>) with BAD unless it is UTF-8. Otherwise UTF-8 and US-ASCII are accepted and any other
    /// charset gets NO [BADCHARSET] listing those (RFC 3501 §6.4.4, RFC 5256 §3).
    /// </summary>
    public static ImapCompletion? RefuseCharset(ImapSession s, string? charset, bool mandatory)
    {
        bool utf8 = charset is not null && charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase);
        if (s.Utf8Accept && charset is not null && (!mandatory || !utf8))
        {
            return ImapCompletion.Bad(mandatory
                ? "Only CHARSET UTF-8 is allowed after ENABLE UTF8=ACCEPT (RFC 6855 section 3)"
                : "CHARSET is not allowed after ENABLE UTF8=ACCEPT (RFC 6855 section 3)", ImapResponseCodes.ClientBug);
        }
        return charset is null || utf8 || charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase)
            ? null
            : ImapCompletion.No(ImapResponseCodes.BadCharset + " (UTF-8 US-ASCII)", "Unsupported charset");
    }

    /// <summary>
    /// The messages matching <paramref name="key"/>, with their structure loaded when <paramref name="structures"/> asks
    /// for it. String keys are first decided from the full-text index where there is one (<see cref="IndexedSearch"/>);
    /// a message the index cannot decide is read and evaluated. A MODSEQ key turns CONDSTORE on (RFC 7162 §3.1). A message
    /// whose bytes were reclaimed meanwhile (expunged elsewhere) matches nothing when it has to be read.
    /// </summary>
    public static async Task<List<SearchSubject>> FindAsync(ImapSession s, SearchKey key, bool structures, CancellationToken ct)
    {
        var matches = new List<SearchSubject>();
        await FindAsync(s, key, structures, matches.Add, ct).ConfigureAwait(false);
        return matches;
    }

    /// <summary>
    /// As <see cref="FindAsync(ImapSession, SearchKey, bool, CancellationToken)"/>, each match with what
    /// <paramref name="project"/> takes from it while its structure is loaded; the matches keep no structure or text. For SORT and
    /// THREAD of a large mailbox: holding every match's parsed structure until the answer (a header list, an envelope and
    /// a body structure each) made the garbage collector copy them all from generation to generation, most of the command's time.
    /// </summary>
    public static async Task<List<(SearchSubject Match, T Value)>> FindAsync<T>(ImapSession s, SearchKey key, bool structures,
        Func<SearchSubject, T> project, CancellationToken ct)
    {
        var matches = new List<(SearchSubject, T)>();
        await FindAsync(s, key, structures, m =>
        {
            matches.Add((m, project(m)));
            m.Structure = null;
            m.BodyText = null;
        }, ct).ConfigureAwait(false);
        return matches;
    }

    private static async Task FindAsync(ImapSession s, SearchKey key, bool structures, Action<SearchSubject> match, CancellationToken ct)
    {
        var selected = s.Selected!;
        if (MessageSearch.UsesModSeq(key)) s.EnableCondStore();
        var (headers, text) = MessageSearch.Needs(key);
        var indexed = await IndexedSearch.AskAsync(s.Services.TextIndex, s.Account, selected, key, ct).ConfigureAwait(false);
        DateTimeOffset searchTime = s.Services.Time.GetUtcNow();
        for (int seq = 1; seq <= selected.Count; seq++)
        {
            var subject = new SearchSubject { Seq = seq, Record = selected.RecordAt(seq), SearchTime = searchTime };
            bool? decided = indexed.Decide(key, subject, selected);
            if (decided == false) continue;
            bool needStructure = structures || (decided is null && headers);
            bool needText = decided is null && text;
            if (needStructure || needText)
            {
                await using var stored = new StoredMessage(subject.Record, s.Services.Blobs, s.Structures, s.Services.Logger);
                if (!await stored.IsAvailableAsync(needText, ct).ConfigureAwait(false)) continue;
                if (needStructure) subject.Structure = await stored.StructureAsync(ct, allHeaders: decided is null && headers).ConfigureAwait(false);
                if (needText && await stored.MimeAsync(ct).ConfigureAwait(false) is { } mime)
                {
                    subject.BodyText = SearchableText.BodyText(mime);
                    subject.Mime = mime;
                }
            }
            bool matched = decided == true || MessageSearch.Matches(key, subject, selected);
            subject.Mime = null; // evaluated: a match kept for the answer does not keep its parsed message
            if (matched) match(subject);
        }
        await StructureWriteBack.FlushAsync(s, ct).ConfigureAwait(false);
    }

    /// <summary>The highest MODSEQ of <paramref name="matches"/> when <paramref name="key"/> has a MODSEQ key and something matched (RFC 7162 §3.1.5).</summary>
    public static ulong? HighestModSeq(SearchKey key, List<SearchSubject> matches) =>
        MessageSearch.UsesModSeq(key) && matches.Count > 0 ? matches.Max(m => m.Record.ModSeq) : null;

    /// <summary>Each match's MODSEQ by UID, for the MODSEQ of an ESEARCH MIN/MAX result (RFC 4731 §3.2).</summary>
    public static Func<uint, ulong> ModSeqByUid(List<SearchSubject> matches)
    {
        var byUid = matches.ToDictionary(m => m.Record.Uid, m => m.Record.ModSeq);
        return uid => byUid[uid];
    }
}
