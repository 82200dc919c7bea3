using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// SEARCH / UID SEARCH (RFC 3501 §6.4.4): "* SEARCH" with sequence numbers or UIDs; with a MODSEQ key the
/// highest MODSEQ of the matches is appended (RFC 7162 §3.1.5). CHARSET may be UTF-8 or US-ASCII.
/// </summary>
internal static class SearchHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SearchCommand command, CancellationToken ct)
    {
        if (command.Charset is { } charset && !charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
            return ImapCompletion.No(ImapResponseCodes.BadCharset + " (UTF-8 US-ASCII)", "Unsupported charset");
        var selected = s.Selected!;
        bool modSeq = MessageSearch.UsesModSeq(command.Key);
        if (modSeq) s.CondStore = true;
        var (headers, text) = MessageSearch.Needs(command.Key);
        var matches = new List<(int Seq, uint Uid, ulong ModSeq)>();
        for (int seq = 1; seq <= selected.Count; seq++)
        {
            var record = selected.RecordAt(seq);
            var subject = new SearchSubject { Seq = seq, Record = record };
            if (headers || text)
            {
                await using var stored = new StoredMessage(record, s.Services.Blobs, s.Structures, s.Services.Logger);
                if (!await stored.IsAvailableAsync(text, ct).ConfigureAwait(false)) continue; // expunged elsewhere and reclaimed: matches nothing
                if (headers) subject.Structure = await stored.StructureAsync(ct).ConfigureAwait(false);
                if (text && await stored.MimeAsync(ct).ConfigureAwait(false) is { } mime) subject.BodyText = MessageSearch.BodyTextOf(mime);
            }
            if (MessageSearch.Matches(command.Key, subject, selected)) matches.Add((seq, record.Uid, record.ModSeq));
        }
        var w = s.W;
        w.Raw("* SEARCH");
        foreach (var m in matches) w.Sp().Number(command.Uid ? m.Uid : m.Seq);
        if (modSeq && matches.Count > 0) w.Raw(" (MODSEQ ").Number(matches.Max(m => m.ModSeq)).Raw(")");
        w.Crlf();
        return ImapCompletion.Ok(command.Name + " completed");
    }
}
