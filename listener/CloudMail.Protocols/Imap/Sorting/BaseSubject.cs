using System.Text;

namespace CloudMail.Protocols.Imap.Sorting;

/// <summary>The base subject of a message and whether extracting it removed reply/forward markers.</summary>
/// <param name="Text">The base subject (RFC 5256 §2.1), compared with <see cref="AsciiCaseMap"/> (i;ascii-casemap).</param>
/// <param name="IsReplyOrForward">True when a subj-refwd leader, "(fwd)" trailer or "[fwd: ...]" wrapper was removed (RFC 5256 §2.1, used by THREAD=REFERENCES step 5).</param>
public sealed record BaseSubjectResult(string Text, bool IsReplyOrForward);

/// <summary>
/// Base subject extraction (RFC 5256 §2.1) for SORT SUBJECT and THREAD. The input is the subject already decoded
/// from RFC 2047 encoded-words (step 1's decoding); whitespace is normalised here. Pure; total on any input.
/// </summary>
public static class BaseSubject
{
    /// <summary>Extracts the base subject of <paramref name="subject"/> (null is treated as empty).</summary>
    public static BaseSubjectResult Extract(string? subject)
    {
        // (1) tabs and continuations to spaces, runs of spaces to one.
        string s = CollapseWhitespace(subject ?? "");
        bool replyOrForward = false;
        while (true)
        {
            // (2) remove subj-trailer ("(fwd)" / WSP) repeatedly.
            while (true)
            {
                if (s.EndsWith(' ')) s = s[..^1];
                else if (s.EndsWith("(fwd)", StringComparison.OrdinalIgnoreCase)) { s = s[..^5]; replyOrForward = true; }
                else break;
            }
            // (3)-(5) remove subj-leader and subj-blob prefixes until neither matches.
            bool changed = true;
            while (changed)
            {
                changed = false;
                int leader = LeaderLength(s, out bool refwd);
                if (leader > 0) { s = s[leader..]; changed = true; replyOrForward |= refwd; }
                int blob = BlobLength(s, 0);
                if (blob > 0 && blob < s.Length) { s = s[blob..]; changed = true; }
            }
            // (6) "[fwd:" subject "]" wrapper: unwrap and go back to (2).
            if (s.Length >= 6 && s.StartsWith("[fwd:", StringComparison.OrdinalIgnoreCase) && s.EndsWith(']'))
            {
                s = s[5..^1];
                replyOrForward = true;
                continue;
            }
            return new BaseSubjectResult(s, replyOrForward);
        }
    }

    private static string CollapseWhitespace(string s)
    {
        var b = new StringBuilder(s.Length);
        bool space = false;
        foreach (char c in s)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                if (!space) b.Append(' ');
                space = true;
            }
            else
            {
                b.Append(c);
                space = false;
            }
        }
        return b.ToString();
    }

    /// <summary>
    /// Length of a subj-leader at the start: WSP, or *subj-blob subj-refwd where
    /// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":". 0 when none.
    /// </summary>
    private static int LeaderLength(string s, out bool refwd)
    {
        refwd = false;
        if (s.Length > 0 && s[0] == ' ') return 1;
        int i = 0;
        while (BlobLength(s, i) is > 0 and var blob) i += blob;
        int word = Starts(s, i, "fwd") ? 3 : Starts(s, i, "fw") || Starts(s, i, "re") ? 2 : 0;
        if (word == 0) return 0;
        i += word;
        while (i < s.Length && s[i] == ' ') i++;
        i += BlobLength(s, i);
        if (i >= s.Length || s[i] != ':') return 0;
        refwd = true;
        return i + 1;
    }

    /// <summary>Length of subj-blob = "[" *BLOBCHAR "]" *WSP at <paramref name="at"/>; 0 when none.</summary>
    private static int BlobLength(string s, int at)
    {
        if (at >= s.Length || s[at] != '[') return 0;
        int close = s.IndexOfAny(['[', ']'], at + 1);
        if (close < 0 || s[close] != ']') return 0;
        int i = close + 1;
        while (i < s.Length && s[i] == ' ') i++;
        return i - at;
    }

    private static bool Starts(string s, int at, string word) =>
        at + word.Length <= s.Length && string.Compare(s, at, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0;
}
