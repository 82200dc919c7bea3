using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// DELETE (RFC 3501 §6.3.4): INBOX cannot be deleted; a mailbox with children is deleted and its name stays as
/// a \Noselect parent; a name that exists only as such a parent cannot be deleted.
/// </summary>
internal static class DeleteHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, MailboxCommand command, CancellationToken ct)
    {
        string name = MailboxNames.Normalize(command.Mailbox.TrimEnd(MailboxNames.Delimiter));
        if (MailboxNames.IsInbox(name)) return ImapCompletion.No(ImapResponseCodes.Cannot, "INBOX cannot be deleted");
        if (name.Length == 0) return ImapCompletion.No(ImapResponseCodes.NonExistent, "No such mailbox"); // "" or "/": no mailbox has that name
        try
        {
            await s.Services.Mailboxes.DeleteMailboxAsync(s.Account, name, ct).ConfigureAwait(false);
        }
        catch (MailboxNotFoundException)
        {
            var all = await s.Services.Mailboxes.ListMailboxesAsync(s.Account, ct).ConfigureAwait(false);
            bool hasChildren = all.Any(m => m.Name.StartsWith(name + MailboxNames.Delimiter, StringComparison.Ordinal));
            return hasChildren
                ? ImapCompletion.No(ImapResponseCodes.Cannot, "Name has inferior hierarchical names and is not a mailbox")
                : ImapCompletion.No(ImapResponseCodes.NonExistent, "No such mailbox");
        }
        if (s.Selected?.Name == name) s.Select(null);
        s.NotifyChanged();
        return ImapCompletion.Ok("DELETE completed");
    }
}
