using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// SUBSCRIBE and UNSUBSCRIBE (RFC 3501 §6.3.6, §6.3.7); names need not exist. A SUBSCRIBE of a name longer or
/// deeper than a mailbox may be, or of one name more than <see cref="ImapOptions.MaxMailboxes"/>, answers NO [LIMIT].
/// </summary>
internal static class SubscribeHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, MailboxCommand command, CancellationToken ct)
    {
        string name = MailboxNames.Normalize(command.Mailbox.TrimEnd(MailboxNames.Delimiter));
        if (name.Length == 0) return ImapCompletion.No(ImapResponseCodes.Cannot, "Invalid mailbox name");
        bool subscribe = command.Name == "SUBSCRIBE";
        if (subscribe)
        {
            if (MailboxLimits.CheckName(name, s.Options) is { } tooLong) return tooLong;
            var subscriptions = await s.Services.Mailboxes.ListSubscriptionsAsync(s.Account, ct).ConfigureAwait(false);
            if (!subscriptions.Contains(name, StringComparer.Ordinal)
                && MailboxLimits.CheckSubscriptionCount(subscriptions.Count, s.Options) is { } tooMany) return tooMany;
        }
        await s.Services.Mailboxes.SetSubscribedAsync(s.Account, name, subscribe, ct).ConfigureAwait(false);
        s.NotifyChanged(); // NOTIFY SubscriptionChange (RFC 5465 §5.5) in the account's other sessions
        return ImapCompletion.Ok(command.Name + " completed");
    }
}
