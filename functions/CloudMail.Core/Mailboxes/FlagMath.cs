namespace CloudMail.Core.Mailboxes;

/// <summary>Applies IMAP STORE semantics (FLAGS, +FLAGS, -FLAGS) to one message's flags and keywords.</summary>
public static class FlagMath
{
    private const MessageFlags AllSystemFlags =
        MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft;

    /// <summary>Drops bits that are not system flags.</summary>
    public static MessageFlags Clean(MessageFlags flags) => flags & AllSystemFlags;

    /// <summary>
    /// The flags and keywords after the update (<paramref name="updateKeywords"/> already normalized), and
    /// whether anything changed. Unchanged keywords keep their stored spelling.
    /// </summary>
    public static (MessageFlags Flags, IReadOnlyList<string> Keywords, bool Changed) Apply(
        MessageFlags flags, IReadOnlyList<string> keywords, FlagUpdateMode mode, MessageFlags updateFlags, IReadOnlyList<string> updateKeywords)
    {
        updateFlags = Clean(updateFlags);
        (MessageFlags newFlags, IReadOnlyList<string> newKeywords) = mode switch
        {
            FlagUpdateMode.Replace => (updateFlags, updateKeywords),
            FlagUpdateMode.Add => (flags | updateFlags, [.. keywords, .. updateKeywords.Where(k => !KeywordList.Contains(keywords, k))]),
            FlagUpdateMode.Remove => (flags & ~updateFlags, [.. keywords.Where(k => !KeywordList.Contains(updateKeywords, k))]),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown flag update mode."),
        };
        bool keywordsChanged = !KeywordList.SameSet(keywords, newKeywords);
        return (newFlags, keywordsChanged ? newKeywords : keywords, newFlags != flags || keywordsChanged);
    }

    /// <summary>1 when the message counts as unseen, else 0 (for the mailbox's unseen counter).</summary>
    public static int UnseenCount(MessageFlags flags) => (flags & MessageFlags.Seen) == 0 ? 1 : 0;
}
