namespace CloudMail.Core.Mailboxes;

/// <summary>
/// IMAP keywords (RFC 9051 §2.3.2): atoms, compared case-insensitively. Stored space-separated, which is safe
/// because atoms contain no spaces. Shared by every mailbox index backend.
/// </summary>
public static class KeywordList
{
    public static readonly IReadOnlyList<string> None = [];

    /// <summary>
    /// Distinct keywords (case-insensitive; the first spelling wins) in the given order. Throws
    /// <see cref="ArgumentException"/> for an empty keyword or one containing spaces or control characters.
    /// </summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string>? keywords)
    {
        if (keywords is null) return None;
        var result = new List<string>();
        foreach (string keyword in keywords)
        {
            if (string.IsNullOrEmpty(keyword) || keyword.Any(c => c <= ' ' || c == '\u007f'))
            {
                throw new ArgumentException($"'{keyword}' is not a valid IMAP keyword.", nameof(keywords));
            }
            if (!Contains(result, keyword)) result.Add(keyword);
        }
        return result;
    }

    public static bool Contains(IEnumerable<string> keywords, string keyword) =>
        keywords.Contains(keyword, StringComparer.OrdinalIgnoreCase);

    public static bool SameSet(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.All(k => Contains(b, k));

    public static string Store(IReadOnlyList<string> keywords) => string.Join(' ', keywords);

    public static IReadOnlyList<string> Load(string stored) =>
        stored.Length == 0 ? None : stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
