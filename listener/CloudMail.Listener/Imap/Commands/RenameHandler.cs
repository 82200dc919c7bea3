using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// RENAME (RFC 3501 §6.3.5): children move along; missing superiors of the new name are created; renaming INBOX
/// moves its messages to the new mailbox and leaves INBOX empty. A new name sent as raw 8-bit octets is refused
/// (RFC 3501 §5.1).
/// </summary>
internal static class RenameHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, RenameCommand command, CancellationToken ct)
    {
        string from = MailboxNames.Normalize(command.From.TrimEnd(MailboxNames.Delimiter));
        string to = MailboxNames.Normalize(command.To.TrimEnd(MailboxNames.Delimiter));
        if (MailboxNames.IsInbox(to)) return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "INBOX already exists");
        if (command.ToEightBit) return ImapCompletion.No(ImapResponseCodes.Cannot, MailboxNames.EightBitRefusal);
        if (!MailboxNames.IsValidNew(to)) return ImapCompletion.No(ImapResponseCodes.Cannot, "Invalid mailbox name");
        if (to.StartsWith(from + MailboxNames.Delimiter, StringComparison.Ordinal) && !MailboxNames.IsInbox(from))
            return ImapCompletion.No(ImapResponseCodes.Cannot, "A mailbox cannot become its own child");
        var index = s.Services.Mailboxes;
        if (await index.GetMailboxAsync(s.Account, from, ct).ConfigureAwait(false) is null)
            return ImapCompletion.No(ImapResponseCodes.NonExistent, "No such mailbox");
        foreach (string parent in MailboxNames.Parents(to))
        {
            if (await index.GetMailboxAsync(s.Account, parent, ct).ConfigureAwait(false) is not null) continue;
            try
            {
                await index.CreateMailboxAsync(s.Account, parent, SpecialUse.None, ct).ConfigureAwait(false);
            }
            catch (MailboxExistsException)
            {
                // Created concurrently: fine.
            }
        }
        try
        {
            await index.RenameMailboxAsync(s.Account, from, to, ct).ConfigureAwait(false);
        }
        catch (MailboxExistsException)
        {
            return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "Target mailbox already exists");
        }
        if (s.Selected is { } selected && !MailboxNames.IsInbox(from))
        {
            if (selected.Name == from) selected.Name = to;
            else if (selected.Name.StartsWith(from + MailboxNames.Delimiter, StringComparison.Ordinal)) selected.Name = to + selected.Name[from.Length..];
        }
        s.NotifyChanged();
        return ImapCompletion.Ok("RENAME completed");
    }
}
