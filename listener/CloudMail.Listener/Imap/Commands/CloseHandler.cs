using System.Globalization;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// CLOSE (RFC 3501 §6.4.2): silently expunges \Deleted messages when the mailbox is read-write, then leaves
/// Selected state. UNSELECT (RFC 3691) leaves without expunging. With QRESYNC enabled, a CLOSE that removed messages
/// completes with "OK [HIGHESTMODSEQ n]" (RFC 7162 §3.2.8), so the client's next SELECT ... (QRESYNC ...) starts past
/// its own expunge; the value is given only when no other session's change since this view last merged would be
/// covered by it unseen (CLOSE may not report them), otherwise the code is left out and the client resynchronises from
/// the value it last had.
/// </summary>
internal static class CloseHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SimpleCommand command, CancellationToken ct)
    {
        var selected = s.Selected!;
        string? code = null;
        if (command.Name == "CLOSE" && !selected.ReadOnly)
        {
            var changes = await s.Services.Mailboxes.GetChangesSinceAsync(s.Account, selected.Name, selected.KnownModSeq, ct).ConfigureAwait(false);
            selected.Apply(changes);
            uint[] deleted = [.. selected.All.Where(m => m.Flags.HasFlag(MessageFlags.Deleted)).Select(m => m.Uid)];
            if (deleted.Length > 0)
            {
                var removed = await s.Services.Mailboxes.ExpungeAsync(s.Account, selected.Name, deleted, ct).ConfigureAwait(false);
                s.NotifyChanged();
                if (s.QResync && removed.Count > 0) code = await HighestModSeqAfterAsync(s, selected, removed, ct).ConfigureAwait(false);
            }
        }
        s.Select(null);
        return ImapCompletion.Ok(command.Name + " completed", code);
    }

    /// <summary>
    /// The HIGHESTMODSEQ response code after this CLOSE removed <paramref name="removed"/> (dropped from the view without
    /// a response, RFC 3501 §6.4.2), or null when the index holds changes the client was not shown or could not be read
    /// again: the expunge is done by then, and a CLOSE without the code is always correct (the client resynchronises from
    /// its last value), so a failure here must not fail the CLOSE or keep the mailbox selected.
    /// </summary>
    private static async Task<string?> HighestModSeqAfterAsync(ImapSession s, Mailboxes.SelectedMailbox selected, IReadOnlyList<uint> removed, CancellationToken ct)
    {
        foreach (uint uid in removed) selected.RemoveLocal(uid);
        try
        {
            selected.Apply(await s.Services.Mailboxes.GetChangesSinceAsync(s.Account, selected.Name, selected.KnownModSeq, ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // E.g. the mailbox was deleted meanwhile, or the store failed transiently: logged, and CLOSE completes without it.
            ImapLog.CommandFailed(s.Services.Logger, e, "CLOSE", s.Connection.RemoteAddress);
            return null;
        }
        return selected.ReportableModSeq is { } modSeq
            ? ImapResponseCodes.HighestModSeq + " " + modSeq.ToString(CultureInfo.InvariantCulture)
            : null;
    }
}
