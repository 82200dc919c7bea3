using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>How account and mailbox names are keyed: accounts lower-cased, INBOX canonical, other names verbatim.</summary>
internal static class MailboxKeys
{
    public static string Account(string account)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        return MailAddresses.Normalize(account);
    }

    /// <summary>The canonical mailbox name ("INBOX" case-insensitively, others case-sensitive).</summary>
    public static string Mailbox(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return DefaultMailboxes.Canonical(name);
    }

    public static bool IsInbox(string canonicalName) => canonicalName == DefaultMailboxes.Inbox;
}
