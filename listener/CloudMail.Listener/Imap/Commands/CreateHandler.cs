using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// CREATE (RFC 3501 §6.3.3): a trailing delimiter only says the client means to create children; missing
/// superiors are created too. Names sent as raw 8-bit octets are refused (RFC 3501 §5.1).
/// </summary>
internal static class CreateHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, MailboxCommand command, CancellationToken ct)
    {
        string name = MailboxNames.Normalize(command.Mailbox.TrimEnd(MailboxNames.Delimiter));
        if (MailboxNames.IsInbox(name)) return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "INBOX always exists");
        if (command.EightBit) return ImapCompletion.No(ImapResponseCodes.Cannot, MailboxNames.EightBitRefusal);
        if (!MailboxNames.IsValidNew(name)) return ImapCompletion.No(ImapResponseCodes.Cannot, "Invalid mailbox name");
        var index = s.Services.Mailboxes;
        foreach (string parent in MailboxNames.Parents(name))
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
            await index.CreateMailboxAsync(s.Account, name, SpecialUse.None, ct).ConfigureAwait(false);
        }
        catch (MailboxExistsException)
        {
            return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "Mailbox already exists");
        }
        s.NotifyChanged();
        return ImapCompletion.Ok("CREATE completed");
    }
}
