using System.Text;

namespace CloudMail.Protocols.Imap.Sorting;

/// <summary>The base subject of a message and whether extracting it removed reply/forward markers.</summary>
/// <param name="Text">The base subject (RFC 5256 §2.1), compared with <see cref="AsciiCaseMap"/> (i;ascii-casemap).</param>
/// <param name="IsReplyOrForward">True when a subj-refwd leader, "(fwd)" trailer or "[fwd: ...]" wrapper was removed (RFC 5256 §2.1, used by THREAD=REFERENCES step 5).</param>
public sealed record BaseSubjectResult(string Text, bool IsReplyOrForward);

/// <summary>
/// Base subject extraction (RFC 5256 §2.1) for SORT SUBJECT and THREAD. The input is the subject already decoded
/// from RFC 2047 encoded-words (step 1's decoding); whitespace is normalised here. Pure; total on any input, and linear
/// in its length: the steps move two bounds instead of copying what is left (a subject of thousands of "Re:" is one
/// pass, not one copy per marker).
/// </summary>
public static class BaseSubject
{
    /// <summary>Extracts the base subject of <paramref name="subject"/> (null is treated as empty).</summary>
    public static BaseSubjectResult Extract(string? subject)
    {
        // (1) tabs and continuations to spaces, runs of spaces to one.
        string s = CollapseWhitespace(subject ?? "");
        int start = 0, end = s.Length;
        bool replyOrForward = false;
        while (true)
        {
            // (2) remove subj-trailer ("(fwd)" / WSP) repeatedly.
            while (end > start)
            {
                if (s[end - 1] == ' ') end--;
                else if (end - start >= 5 && Starts(s, end - 5, end, "(fwd)")) { end -= 5; replyOrForward = true; }
                else break;
            }
            // (3)-(5) remove subj-leader and subj-blob prefixes until neither matches.
            bool changed = true;
            while (changed)
            {
                changed = false;
                int leader = LeaderLength(s, start, end, out bool refwd);
                if (leader > 0) { start += leader; changed = true; replyOrForward |= refwd; }
                int blob = BlobLength(s, start, end);
                if (blob > 0 && start + blob < end) { start += blob; changed = true; }
            }
            // (6) "[fwd:" subject "]" wrapper: unwrap and go back to (2).
            if (end - start >= 6 && Starts(s, start, end, "[fwd:") && s[end - 1] == ']')
            {
                start += 5;
                end--;
                replyOrForward = true;
                continue;
            }
            return new BaseSubjectResult(s[start..end], replyOrForward);
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
    /// Length of a subj-leader at <paramref name="at"/>: WSP, or *subj-blob subj-refwd where
    /// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":". 0 when none.
    /// </summary>
    private static int LeaderLength(string s, int at, int end, out bool refwd)
    {
        refwd = false;
        if (at < end && s[at] == ' ') return 1;
        int i = at;
        while (BlobLength(s, i, end) is > 0 and var blob) i += blob;
        int word = Starts(s, i, end, "fwd") ? 3 : Starts(s, i, end, "fw") || Starts(s, i, end, "re") ? 2 : 0;
        if (word == 0) return 0;
        i += word;
        while (i < end && s[i] == ' ') i++;
        i += BlobLength(s, i, end);
        if (i >= end || s[i] != ':') return 0;
        refwd = true;
        return i + 1 - at;
    }

    /// <summary>Length of subj-blob = "[" *BLOBCHAR "]" *WSP at <paramref name="at"/>; 0 when none.</summary>
    private static int BlobLength(string s, int at, int end)
    {
        if (at >= end || s[at] != '[') return 0;
        int close = s.IndexOfAny(['[', ']'], at + 1, end - at - 1);
        if (close < 0 || s[close] != ']') return 0;
        int i = close + 1;
        while (i < end && s[i] == ' ') i++;
        return i - at;
    }

    /// <summary>True when <paramref name="word"/> (ASCII, case-insensitive) stands at <paramref name="at"/> before <paramref name="end"/>.</summary>
    private static bool Starts(string s, int at, int end, string word) =>
        at + word.Length <= end && string.Compare(s, at, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0;
}
