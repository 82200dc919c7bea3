using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.Imap.Mailboxes;

/// <summary>
/// Mailbox name rules: the "/" hierarchy, INBOX case-insensitivity and validity (LIST wildcards:
/// <see cref="ListPattern"/>; length and count limits: <see cref="MailboxLimits"/>).
/// </summary>
internal static class MailboxNames
{
    public const char Delimiter = DefaultMailboxes.Delimiter;

    /// <summary>Deepest hierarchy accepted by CREATE and RENAME.</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// The NO [CANNOT] text for a CREATE or RENAME target sent as raw 8-bit octets: RFC 3501 §5.1 ("mailbox names are
    /// 7-bit ... servers SHOULD prohibit the creation of 8-bit mailbox names"); §5.1.3 gives the encoding to use.
    /// </summary>
    public const string EightBitRefusal = "Mailbox names are 7-bit: send non-ASCII names in modified UTF-7 (RFC 3501 section 5.1.3)";

    /// <summary>
    /// The stored spelling: "INBOX" and names below it with their first level spelled "INBOX" whatever case the
    /// client used (RFC 3501 §5.1: INBOX is case-insensitive); other names unchanged.
    /// </summary>
    public static string Normalize(string name)
    {
        if (name.Equals(DefaultMailboxes.Inbox, StringComparison.OrdinalIgnoreCase)) return DefaultMailboxes.Inbox;
        if (name.Length > 6 && name[5] == Delimiter && name.StartsWith(DefaultMailboxes.Inbox, StringComparison.OrdinalIgnoreCase))
            return DefaultMailboxes.Inbox + name[5..];
        return name;
    }

    public static bool IsInbox(string name) => name.Equals(DefaultMailboxes.Inbox, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when <paramref name="name"/> is a name a mailbox may have: non-empty levels, no wildcards or control
    /// characters. Length and depth are <see cref="MailboxLimits"/>' business.
    /// </summary>
    public static bool IsValidNew(string name)
    {
        if (name.Length == 0) return false;
        if (name.Any(c => char.IsControl(c) || c is '%' or '*')) return false;
        return name[0] != Delimiter && name[^1] != Delimiter && !name.Contains("//", StringComparison.Ordinal);
    }

    /// <summary>Number of hierarchy levels: "a" is 1, "a/b/c" is 3.</summary>
    public static int Depth(string name) => name.Count(c => c == Delimiter) + 1;

    /// <summary>The superiors of a name, shallowest first: "a/b/c" → "a", "a/b".</summary>
    public static IEnumerable<string> Parents(string name)
    {
        for (int i = name.IndexOf(Delimiter); i > 0; i = name.IndexOf(Delimiter, i + 1))
            yield return name[..i];
    }
}
