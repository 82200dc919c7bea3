using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.Imap.Mailboxes;

/// <summary>Mailbox name rules: the "/" hierarchy, INBOX case-insensitivity, validity and LIST wildcards.</summary>
internal static class MailboxNames
{
    public const char Delimiter = DefaultMailboxes.Delimiter;

    /// <summary>Longest name accepted by CREATE and RENAME, in characters.</summary>
    public const int MaxLength = 512;

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
    /// True when <paramref name="name"/> may be created: non-empty levels, no wildcards or control characters,
    /// bounded length and depth.
    /// </summary>
    public static bool IsValidNew(string name)
    {
        if (name.Length is 0 or > MaxLength) return false;
        if (name.Any(c => char.IsControl(c) || c is '%' or '*')) return false;
        string[] levels = name.Split(Delimiter);
        return levels.Length <= MaxDepth && levels.All(l => l.Length > 0);
    }

    /// <summary>The superiors of a name, shallowest first: "a/b/c" → "a", "a/b".</summary>
    public static IEnumerable<string> Parents(string name)
    {
        for (int i = name.IndexOf(Delimiter); i > 0; i = name.IndexOf(Delimiter, i + 1))
            yield return name[..i];
    }

    /// <summary>
    /// LIST matching (RFC 3501 §6.3.8): "*" matches anything, "%" anything but the delimiter; other characters
    /// match exactly, except that a leading INBOX matches case-insensitively.
    /// </summary>
    public static bool Matches(string name, string pattern)
    {
        pattern = NormalizePattern(pattern);
        // Dynamic programming over (name position, pattern position): linear in their product, no backtracking blow-up.
        var reachable = new bool[name.Length + 1];
        reachable[0] = true;
        foreach (char p in pattern)
        {
            var next = new bool[name.Length + 1];
            for (int i = 0; i <= name.Length; i++)
            {
                if (!reachable[i]) continue;
                if (p is '*' or '%')
                {
                    next[i] = true;
                    for (int j = i; j < name.Length && (p == '*' || name[j] != Delimiter); j++) next[j + 1] = true;
                }
                else if (i < name.Length && name[i] == p) next[i + 1] = true;
            }
            reachable = next;
        }
        return reachable[name.Length];
    }

    private static string NormalizePattern(string pattern)
    {
        if (pattern.Length >= 5 && pattern.StartsWith(DefaultMailboxes.Inbox, StringComparison.OrdinalIgnoreCase)
            && (pattern.Length == 5 || pattern[5] is Delimiter or '*' or '%'))
            return DefaultMailboxes.Inbox + pattern[5..];
        return pattern;
    }
}
