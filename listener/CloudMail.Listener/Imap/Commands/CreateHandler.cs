using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// CREATE (RFC 3501 §6.3.3): a trailing delimiter only says the client means to create children; missing
/// superiors are created too. Names sent as raw 8-bit octets are refused (RFC 3501 §5.1); names too long or too
/// deep, or more mailboxes than the account may hold, answer NO [LIMIT] (<see cref="MailboxLimits"/>).
/// </summary>
internal static class CreateHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, MailboxCommand command, CancellationToken ct)
    {
        string name = MailboxNames.Normalize(command.Mailbox.TrimEnd(MailboxNames.Delimiter));
        if (MailboxNames.IsInbox(name)) return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "INBOX always exists");
        if (command.EightBit) return ImapCompletion.No(ImapResponseCodes.Cannot, MailboxNames.EightBitRefusal);
        if (!MailboxNames.IsValidNew(name)) return ImapCompletion.No(ImapResponseCodes.Cannot, "Invalid mailbox name");
        if (MailboxLimits.CheckName(name, s.Options) is { } tooLong) return tooLong;
        var existing = await MissingParents.ExistingAsync(s, ct).ConfigureAwait(false);
        if (existing.Contains(name)) return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "Mailbox already exists");
        string[] missing = MissingParents.Of(name, existing);
        if (MailboxLimits.CheckMailboxCount(existing.Count, missing.Length + 1, s.Options) is { } tooMany) return tooMany;
        await MissingParents.CreateAsync(s, missing, ct).ConfigureAwait(false);
        try
        {
            await s.Services.Mailboxes.CreateMailboxAsync(s.Account, name, SpecialUse.None, ct).ConfigureAwait(false);
        }
        catch (MailboxExistsException)
        {
            return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "Mailbox already exists");
        }
        s.NotifyChanged();
        return ImapCompletion.Ok("CREATE completed");
    }
}
