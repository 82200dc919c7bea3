using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Session;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// Writes the structures a command had to parse from blobs (messages stored before structures were kept, or whose kept
/// value was unreadable) back to the mailbox index, once at the end of the command, so later sessions read them from the
/// index. Best effort: a failure only means the next reader parses again.
/// </summary>
internal static class StructureWriteBack
{
    public static async Task FlushAsync(ImapSession s, CancellationToken cancellationToken)
    {
        var pending = s.Structures.TakePending();
        if (pending.Count == 0 || s.Selected is not { } selected) return;
        try
        {
            await s.Services.Mailboxes.SetStructuresAsync(s.Account, selected.Name, pending, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Deliberate: the answer is already sent and the index is only a cache of what the blob says.
            ImapLog.StructureWriteBackFailed(s.Services.Logger, pending.Count, e.GetType().Name);
        }
    }
}
