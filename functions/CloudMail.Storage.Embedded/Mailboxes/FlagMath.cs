using CloudMail.Core.Mailboxes;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>Applies IMAP STORE semantics (FLAGS, +FLAGS, -FLAGS) to one message's flags and keywords.</summary>
internal static class FlagMath
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
            FlagUpdateMode.Add => (flags | updateFlags, [.. keywords, .. updateKeywords.Where(k => !Keywords.Contains(keywords, k))]),
            FlagUpdateMode.Remove => (flags & ~updateFlags, [.. keywords.Where(k => !Keywords.Contains(updateKeywords, k))]),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown flag update mode."),
        };
        bool keywordsChanged = !Keywords.SameSet(keywords, newKeywords);
        return (newFlags, keywordsChanged ? newKeywords : keywords, newFlags != flags || keywordsChanged);
    }

    public static int UnseenCount(MessageFlags flags) => (flags & MessageFlags.Seen) == 0 ? 1 : 0;
}
