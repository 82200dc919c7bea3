using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// STORE / UID STORE (RFC 3501 §6.4.6): replaces, adds or removes flags and reports the resulting FLAGS unless
/// .SILENT; UNCHANGEDSINCE (RFC 7162 §3.1.3) leaves newer messages alone and lists them in [MODIFIED]. Once CONDSTORE is
/// enabled even .SILENT reports each changed message's new MODSEQ ("* n FETCH (UID u MODSEQ (m))", RFC 7162 §3.1.3: "An
/// untagged FETCH response MUST be sent, even if the .SILENT suffix is specified").
/// </summary>
internal static class StoreHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, StoreCommand command, CancellationToken ct)
    {
        var selected = s.Selected!;
        if (selected.ReadOnly) return ImapCompletion.No(null, "Mailbox is read-only");
        if (!ImapFlags.TryParse(command.Flags, out var flags, out var keywords, out string? unsupported))
            return ImapCompletion.Bad("Unsupported flag " + unsupported);
        if (!selected.TryResolve(command.Set, command.Uid, out var targets))
            return ImapCompletion.Bad("Invalid message sequence number");
        var mode = command.Mode switch
        {
            StoreMode.Add => FlagUpdateMode.Add,
            StoreMode.Remove => FlagUpdateMode.Remove,
            _ => FlagUpdateMode.Replace,
        };
        if (KeywordLimitRefusal(mode, keywords, targets) is { } overLimit) return overLimit;
        if (command.UnchangedSince is not null) s.EnableCondStore();
        if (targets.Count == 0) return ImapCompletion.Ok(command.Name + " completed");

        var result = await s.Services.Mailboxes.UpdateFlagsAsync(s.Account, selected.Name, [.. targets.Select(t => t.Message.Uid)],
            new FlagUpdate(mode, flags, keywords), command.UnchangedSince, ct).ConfigureAwait(false);
        selected.ApplyLocal(result.Updated);
        selected.WriteKeywordAnnouncement(s.W); // even for .SILENT: the mailbox now has the keyword (RFC 3501 §7.2.6)
        foreach (var m in result.Updated)
        {
            int seq = selected.SeqOf(m.Uid);
            if (seq == 0) continue;
            if (!command.Silent) selected.WriteFlags(s.W, seq, m, s.CondStore);
            else if (s.CondStore) s.W.Raw("* ").Number(seq).Raw(" FETCH (UID ").Number(m.Uid).Raw(" MODSEQ (").Number(m.ModSeq).Raw("))").Crlf();
        }
        s.NotifyOwnChange(result.ModSeqs);
        if (result.Failed.Count > 0)
        {
            var failed = command.Uid ? result.Failed : result.Failed.Select(u => (uint)selected.SeqOf(u)).Where(n => n > 0).Order().ToList();
            return ImapCompletion.Ok("Conditional STORE failed for some messages", ImapResponseCodes.Modified + " " + SequenceSet.Format(failed));
        }
        return ImapCompletion.Ok(command.Name + " completed");
    }

    /// <summary>
    /// NO [LIMIT] when a keyword is too long or a target would end up with too many (<see cref="ImapFlags.LimitRefusal"/>),
    /// counted on the keywords this session knows the message to have; nothing is changed then. -FLAGS is never refused.
    /// </summary>
    private static ImapCompletion? KeywordLimitRefusal(FlagUpdateMode mode, List<string> keywords, List<(int Seq, MessageRecord Message)> targets) => mode switch
    {
        FlagUpdateMode.Add => ImapFlags.LimitRefusal(keywords,
            targets.Count == 0 ? 0 : targets.Max(t => t.Message.Keywords.Count + keywords.Count(k => !KeywordList.Contains(t.Message.Keywords, k)))),
        FlagUpdateMode.Replace => ImapFlags.LimitRefusal(keywords, keywords.Count),
        _ => null, // removing is always allowed, also a keyword stored before the limits
    };
}
