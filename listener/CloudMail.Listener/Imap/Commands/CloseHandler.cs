using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// CLOSE (RFC 3501 §6.4.2): silently expunges \Deleted messages when the mailbox is read-write, then leaves
/// Selected state. UNSELECT (RFC 3691) leaves without expunging.
/// </summary>
internal static class CloseHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SimpleCommand command, CancellationToken ct)
    {
        var selected = s.Selected!;
        if (command.Name == "CLOSE" && !selected.ReadOnly)
        {
            var changes = await s.Services.Mailboxes.GetChangesSinceAsync(s.Account, selected.Name, selected.KnownModSeq, ct).ConfigureAwait(false);
            selected.Apply(changes);
            uint[] deleted = [.. selected.All.Where(m => m.Flags.HasFlag(MessageFlags.Deleted)).Select(m => m.Uid)];
            if (deleted.Length > 0)
            {
                await s.Services.Mailboxes.ExpungeAsync(s.Account, selected.Name, deleted, ct).ConfigureAwait(false);
                s.NotifyChanged();
            }
        }
        s.Select(null);
        return ImapCompletion.Ok(command.Name + " completed");
    }
}
