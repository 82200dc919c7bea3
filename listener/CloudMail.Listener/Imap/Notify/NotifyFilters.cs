using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Notify;

/// <summary>Which mailboxes a NOTIFY filter-mailboxes covers (RFC 5465 §6), for the filters other than SELECTED.</summary>
internal static class NotifyFilters
{
    /// <summary>
    /// True when <paramref name="mailbox"/> (normalized) is covered by <paramref name="group"/>. INBOXES is INBOX only
    /// (the one mailbox CloudMail delivers to without a user's filter; Junk is a spam verdict, RFC 5465 §6 leaves the set to
    /// the server); SUBTREE is the named mailboxes and all below them; SELECTED filters never match here (the selected
    /// mailbox is reported as IDLE does).
    /// </summary>
    public static bool Matches(NotifyGroup group, string mailbox, IReadOnlySet<string> subscriptions) => group.Filter switch
    {
        NotifyFilter.Inboxes => MailboxNames.IsInbox(mailbox),
        NotifyFilter.Personal => true,
        NotifyFilter.Subscribed => subscriptions.Contains(mailbox),
        NotifyFilter.Subtree => group.Mailboxes.Any(m => Below(mailbox, MailboxNames.Normalize(m))),
        NotifyFilter.Mailboxes => group.Mailboxes.Any(m => MailboxNames.Normalize(m) == mailbox),
        _ => false,
    };

    /// <summary>The first non-SELECTED group covering <paramref name="mailbox"/> (the first matching filter decides, RFC 5465 §5).</summary>
    public static NotifyGroup? For(IReadOnlyList<NotifyGroup> groups, string mailbox, IReadOnlySet<string> subscriptions) =>
        groups.FirstOrDefault(g => Matches(g, mailbox, subscriptions));

    private static bool Below(string mailbox, string root) =>
        mailbox == root || (mailbox.StartsWith(root, StringComparison.Ordinal) && mailbox.Length > root.Length && mailbox[root.Length] == MailboxNames.Delimiter);
}
