using System.Globalization;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;

namespace CloudMail.Listener.Imap.Mailboxes;

/// <summary>
/// The per-account limits CREATE, RENAME, SUBSCRIBE and LIST enforce (<see cref="ImapOptions.MaxMailboxNameLength"/>,
/// <see cref="MailboxNames.MaxDepth"/>, <see cref="ImapOptions.MaxMailboxes"/>, <see cref="ImapOptions.MaxListPatternLength"/>).
/// Each check returns the <c>NO [LIMIT]</c> completion (RFC 5530 §3: "the operation ran up against an implementation
/// limit") or null when the request is within the limits. The count limits are read-then-act: sessions of one account
/// racing each other may overshoot by the handful they create at the same moment, never by more.
/// </summary>
internal static class MailboxLimits
{
    /// <summary>A name (or a renamed child's new name) longer or deeper than allowed.</summary>
    public static ImapCompletion? CheckName(string name, ImapOptions options)
    {
        if (name.Length > options.MaxMailboxNameLength)
            return Limit($"Mailbox names are limited to {options.MaxMailboxNameLength} characters");
        if (MailboxNames.Depth(name) > MailboxNames.MaxDepth)
            return Limit($"Mailbox names are limited to {MailboxNames.MaxDepth} levels");
        return null;
    }

    /// <summary>Adding <paramref name="adding"/> mailboxes to <paramref name="existing"/> would pass <see cref="ImapOptions.MaxMailboxes"/>.</summary>
    public static ImapCompletion? CheckMailboxCount(int existing, int adding, ImapOptions options) =>
        adding > 0 && existing + adding > options.MaxMailboxes
            ? Limit($"An account holds at most {options.MaxMailboxes} mailboxes")
            : null;

    /// <summary>One more subscription would pass <see cref="ImapOptions.MaxMailboxes"/>.</summary>
    public static ImapCompletion? CheckSubscriptionCount(int existing, ImapOptions options) =>
        existing >= options.MaxMailboxes ? Limit($"An account holds at most {options.MaxMailboxes} subscriptions") : null;

    /// <summary>LIST/LSUB patterns (reference included) longer in total than <see cref="ImapOptions.MaxListPatternLength"/>.</summary>
    public static ImapCompletion? CheckPatterns(IEnumerable<string> patterns, ImapOptions options)
    {
        long total = 0;
        foreach (string pattern in patterns) total += pattern.Length;
        return total > options.MaxListPatternLength
            ? Limit($"LIST patterns are limited to {options.MaxListPatternLength} characters")
            : null;
    }

    private static ImapCompletion Limit(FormattableString text) =>
        ImapCompletion.No(ImapResponseCodes.Limit, text.ToString(CultureInfo.InvariantCulture));
}
