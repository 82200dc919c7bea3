using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// RENAME (RFC 3501 §6.3.5): children move along; missing superiors of the new name are created; renaming INBOX
/// moves its messages to the new mailbox and leaves INBOX empty. A new name sent as raw 8-bit octets is refused
/// (RFC 3501 §5.1); a new name (or a child's new name) too long or too deep, or more mailboxes than the account may
/// hold, answers NO [LIMIT] (<see cref="MailboxLimits"/>).
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
        if (MailboxLimits.CheckName(to, s.Options) is { } tooLong) return tooLong;
        var existing = await MissingParents.ExistingAsync(s, ct).ConfigureAwait(false);
        if (!existing.Contains(from)) return ImapCompletion.No(ImapResponseCodes.NonExistent, "No such mailbox");
        if (existing.Contains(to)) return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "Target mailbox already exists");
        if (!MailboxNames.IsInbox(from))
        {
            // The children move along (RFC 3501 §6.3.5): their new names must fit too.
            string prefix = from + MailboxNames.Delimiter;
            foreach (string child in existing.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
            {
                if (MailboxLimits.CheckName(to + child[from.Length..], s.Options) is { } childTooLong) return childTooLong;
            }
        }
        string[] missing = MissingParents.Of(to, existing);
        // Renaming INBOX makes a new mailbox; any other rename only moves names.
        int adding = missing.Length + (MailboxNames.IsInbox(from) ? 1 : 0);
        if (MailboxLimits.CheckMailboxCount(existing.Count, adding, s.Options) is { } tooMany) return tooMany;
        var index = s.Services.Mailboxes;
        await MissingParents.CreateAsync(s, missing, ct).ConfigureAwait(false);
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
