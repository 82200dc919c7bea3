using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.Imap.Mailboxes;

/// <summary>
/// A compiled LIST/LSUB pattern (RFC 3501 §6.3.8): "*" matches any run of characters, "%" any run without the
/// hierarchy delimiter, other characters match exactly, except that a leading INBOX matches case-insensitively.
/// Compiling collapses each run of wildcards into one ("**" and "*%" are "*", "%%" is "%": a run that holds a "*"
/// matches exactly what one "*" does), so a pattern of a thousand "*" costs what "*" costs. Matching is one pass
/// over the pattern with a set of reachable name positions: O(pattern × name) time and O(name) memory, never
/// exponential or cubic whatever the input.
/// </summary>
internal sealed class ListPattern
{
    private const char Star = '*';
    private const char Percent = '%';

    private readonly string _pattern;

    private ListPattern(string pattern) => _pattern = pattern;

    /// <summary>The pattern after INBOX normalization and wildcard collapsing.</summary>
    public override string ToString() => _pattern;

    /// <summary>Compiles <paramref name="pattern"/> (reference already prepended). Never throws.</summary>
    public static ListPattern Compile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        pattern = NormalizeInbox(pattern);
        var collapsed = new System.Text.StringBuilder(pattern.Length);
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] is not (Star or Percent))
            {
                collapsed.Append(pattern[i]);
                continue;
            }
            char run = Percent;
            for (; i < pattern.Length && pattern[i] is Star or Percent; i++)
            {
                if (pattern[i] == Star) run = Star;
            }
            collapsed.Append(run);
            i--;
        }
        return new ListPattern(collapsed.ToString());
    }

    /// <summary>
    /// True when the whole of <paramref name="name"/> matches. The name INBOX matches case-insensitively wherever the
    /// pattern spells it (RFC 3501 §5.1: INBOX is case-insensitive; "*box" and "In%" find it, as in Dovecot).
    /// </summary>
    public bool Matches(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool inbox = name == DefaultMailboxes.Inbox;
        // reachable[i]: the pattern consumed so far can match name[..i].
        var reachable = new bool[name.Length + 1];
        reachable[0] = true;
        int first = 0; // lowest reachable position
        foreach (char p in _pattern)
        {
            switch (p)
            {
                case Star:
                    // Everything from the lowest reachable position on.
                    Array.Fill(reachable, true, first, reachable.Length - first);
                    break;
                case Percent:
                    // Each reachable position extends forward until the next delimiter.
                    for (int i = first + 1; i < reachable.Length; i++)
                    {
                        if (!reachable[i] && reachable[i - 1] && name[i - 1] != DefaultMailboxes.Delimiter) reachable[i] = true;
                    }
                    break;
                default:
                    // A literal: position i+1 is reachable when i was and name[i] is p (right to left, in place).
                    for (int i = reachable.Length - 1; i > first; i--)
                    {
                        reachable[i] = reachable[i - 1] && (name[i - 1] == p || (inbox && name[i - 1] == char.ToUpperInvariant(p)));
                    }
                    reachable[first] = false;
                    first = Array.IndexOf(reachable, true, first);
                    if (first < 0) return false;
                    break;
            }
        }
        return reachable[name.Length];
    }

    /// <summary>A leading "INBOX" followed by the end, the delimiter or a wildcard is spelled "INBOX" (RFC 3501 §5.1).</summary>
    private static string NormalizeInbox(string pattern)
    {
        string inbox = DefaultMailboxes.Inbox;
        if (pattern.Length >= inbox.Length && pattern.StartsWith(inbox, StringComparison.OrdinalIgnoreCase)
            && (pattern.Length == inbox.Length || pattern[inbox.Length] is DefaultMailboxes.Delimiter or Star or Percent))
            return inbox + pattern[inbox.Length..];
        return pattern;
    }
}
