using CloudMail.Core.Mailboxes;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>IMAP STORE semantics (FLAGS, +FLAGS, -FLAGS) on one message's flags and keywords.</summary>
internal static class FlagChange
{
    private const MessageFlags SystemFlags = MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft;

    /// <summary>Keeps only the system flag bits.</summary>
    public static MessageFlags Clean(MessageFlags flags) => flags & SystemFlags;

    /// <summary>1 when the message counts as unseen.</summary>
    public static int Unseen(MessageFlags flags) => (flags & MessageFlags.Seen) == 0 ? 1 : 0;

    /// <summary>
    /// Flags and keywords after applying <paramref name="updateFlags"/> and <paramref name="updateKeywords"/> (normalized), and whether
    /// anything changed. Keywords that stay keep their stored spelling.
    /// </summary>
    public static (MessageFlags Flags, IReadOnlyList<string> Keywords, bool Changed) Apply(
        MessageFlags flags, IReadOnlyList<string> keywords, FlagUpdateMode mode, MessageFlags updateFlags, IReadOnlyList<string> updateKeywords)
    {
        updateFlags = Clean(updateFlags);
        (MessageFlags newFlags, IReadOnlyList<string> newKeywords) = mode switch
        {
            FlagUpdateMode.Replace => (updateFlags, updateKeywords),
            FlagUpdateMode.Add => (flags | updateFlags, [.. keywords, .. updateKeywords.Where(k => !KeywordSet.Contains(keywords, k))]),
            FlagUpdateMode.Remove => (flags & ~updateFlags, [.. keywords.Where(k => !KeywordSet.Contains(updateKeywords, k))]),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown flag update mode."),
        };
        bool keywordsChanged = !KeywordSet.SameSet(keywords, newKeywords);
        return (newFlags, keywordsChanged ? newKeywords : keywords, newFlags != flags || keywordsChanged);
    }
}
