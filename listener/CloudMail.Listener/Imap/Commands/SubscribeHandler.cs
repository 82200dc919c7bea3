using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>SUBSCRIBE and UNSUBSCRIBE (RFC 3501 §6.3.6, §6.3.7); names need not exist.</summary>
internal static class SubscribeHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, MailboxCommand command, CancellationToken ct)
    {
        string name = MailboxNames.Normalize(command.Mailbox.TrimEnd(MailboxNames.Delimiter));
        if (name.Length == 0) return ImapCompletion.No(Protocols.Imap.ImapResponseCodes.Cannot, "Invalid mailbox name");
        await s.Services.Mailboxes.SetSubscribedAsync(s.Account, name, command.Name == "SUBSCRIBE", ct).ConfigureAwait(false);
        return ImapCompletion.Ok(command.Name + " completed");
    }
}
