using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1, only the given UIDs): removes \Deleted messages
/// and reports each with "* n EXPUNGE", numbers shifting as they go (VANISHED with QRESYNC). With QRESYNC enabled, an
/// expunge that removed messages completes with "OK [HIGHESTMODSEQ n]" (RFC 7162 §3.2.7): the index is read again after
/// the expunge and every change merged is reported first, so n covers the expunge and nothing unreported.
/// </summary>
internal static class ExpungeHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, ExpungeCommand command, CancellationToken ct)
    {
        var selected = s.Selected!;
        if (selected.ReadOnly) return ImapCompletion.No(null, "Mailbox is read-only");
        // Flags may have changed in other sessions: expunge what is \Deleted now, not what this view last saw.
        var changes = await s.Services.Mailboxes.GetChangesSinceAsync(s.Account, selected.Name, selected.KnownModSeq, ct).ConfigureAwait(false);
        selected.Apply(changes);
        // UID EXPUNGE looks at the messages of its set only (resolved range by range), EXPUNGE at every message.
        IEnumerable<MessageRecord> scope = selected.All;
        if (command.UidSet is { } uids)
        {
            selected.TryResolve(uids, uid: true, out var inSet);
            scope = inSet.Select(t => t.Message);
        }
        uint[] targets = [.. scope.Where(m => m.Flags.HasFlag(MessageFlags.Deleted)).Select(m => m.Uid)];
        if (targets.Length > 0)
        {
            var (removed, modSeqs) = await s.Services.Mailboxes.ExpungeWithModSeqsAsync(s.Account, selected.Name, targets, ct).ConfigureAwait(false);
            selected.RemoveAndReport(s.W, removed, s.QResync);
            s.NotifyOwnChange(modSeqs); // the view read the index just before: current after its own removal unless another change came
            if (s.QResync && removed.Count > 0 && await s.CatchUpAfterRemovalAsync(ct).ConfigureAwait(false) is { } modSeq)
            {
                selected.Announced(modSeq);
                return ImapCompletion.Ok(command.Name + " completed",
                    ImapResponseCodes.HighestModSeq + " " + modSeq.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return ImapCompletion.Ok(command.Name + " completed");
    }
}
