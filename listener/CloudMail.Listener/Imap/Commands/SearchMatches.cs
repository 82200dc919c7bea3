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
    /// whose bytes were reclaimed meanwhile (expunged elsewhere) or lost matches nothing when it has to be read.
    /// </summary>
    public static async Task<List<SearchSubject>> FindAsync(ImapSession s, SearchKey key, bool structures, CancellationToken ct)
    {
        var matches = new List<SearchSubject>();
        await FindAsync<object>(s, key, structures, null, (m, _) => matches.Add(m), ct).ConfigureAwait(false);
        return matches;
    }

    /// <summary>
    /// The matches of <paramref name="key"/> with their SORT and THREAD values (<see cref="MessageOrderValues"/>): from the
    /// process's <see cref="MessageOrderCache"/> when it holds them (then the message's structure is not read unless the
    /// key itself needs it), else read from the structure and kept there. The matches keep no structure or text: holding
    /// every match's parsed structure until the answer made the garbage collector copy them all through its generations.
    /// </summary>
    public static async Task<List<(SearchSubject Match, MessageOrderValues Values)>> FindOrderedAsync(ImapSession s, SearchKey key, CancellationToken ct)
    {
        var cache = s.Services.OrderCache;
        var matches = new List<(SearchSubject, MessageOrderValues)>();
        await FindAsync(s, key, structures: true, m => cache.Get(m.Record.Blob.Id), (m, known) =>
        {
            matches.Add((m, known ?? cache.Add(m.Record.Blob.Id, SortFields.OrderValues(m))));
            m.Structure = null;
            m.BodyText = null;
        }, ct).ConfigureAwait(false);
        return matches;
    }

    /// <summary>
    /// The SORT and THREAD values of <paramref name="m"/>: from the process's <see cref="MessageOrderCache"/>, else read
    /// from its structure (the structure is not kept on <paramref name="m"/>) and kept there; null when its bytes were
    /// reclaimed meanwhile (expunged elsewhere).
    /// </summary>
    public static async Task<MessageOrderValues?> OrderValuesAsync(ImapSession s, SearchSubject m, CancellationToken ct)
    {
        var cache = s.Services.OrderCache;
        if (cache.Get(m.Record.Blob.Id) is { } known) return known;
        await using var stored = s.OpenStored(m.Record);
        if (!await stored.IsAvailableAsync(bytesNeeded: false, ct).ConfigureAwait(false)) return null;
        m.Structure = await stored.StructureAsync(ct).ConfigureAwait(false);
        var values = cache.Add(m.Record.Blob.Id, SortFields.OrderValues(m));
        m.Structure = null;
        return values;
    }

    /// <summary>
    /// The search loop: <paramref name="match"/> gets each match in mailbox order, with what <paramref name="known"/>
    /// already knows of it (a message it knows something of is loaded only as far as the key needs).
    /// </summary>
    private static async Task FindAsync<T>(ImapSession s, SearchKey key, bool structures, Func<SearchSubject, T?>? known,
        Action<SearchSubject, T?> match, CancellationToken ct) where T : class
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
            T? already = known?.Invoke(subject);
            bool needStructure = (structures && already is null) || (decided is null && headers);
            bool needText = decided is null && text;
            if (needStructure || needText)
            {
                await using var stored = s.OpenStored(subject.Record);
                bool allHeaders = decided is null && headers;
                if (!await stored.IsAvailableAsync(needText, ct, allHeaders: needStructure && allHeaders).ConfigureAwait(false)) continue;
                if (needStructure) subject.Structure = await stored.StructureAsync(ct, allHeaders).ConfigureAwait(false);
                if (needText && await stored.MimeAsync(ct).ConfigureAwait(false) is { } mime)
                {
                    subject.BodyText = SearchableText.BodyText(mime);
                    subject.Mime = mime;
                }
            }
            bool matched = decided == true || MessageSearch.Matches(key, subject, selected);
            subject.Mime = null; // evaluated: a match kept for the answer does not keep its parsed message
            if (matched) match(subject, already);
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
