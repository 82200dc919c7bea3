using System.Globalization;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// A Maildir folder's <c>dovecot-keywords</c> file: lines <c>INDEX NAME</c>; keyword INDEX is letter 'a' + INDEX in the
/// info of a file name (so at most 26 keywords per folder). Dovecot, and the export of this program, write it.
/// </summary>
public static class DovecotKeywords
{
    public const string FileName = "dovecot-keywords";

    /// <summary>Most keywords a file name can carry (letters a to z).</summary>
    public const int MaxKeywords = 26;

    /// <summary>Letter → keyword from the folder's file; empty when there is none or it cannot be read. Never throws.</summary>
    public static IReadOnlyDictionary<char, string> Read(string folder)
    {
        var keywords = new Dictionary<char, string>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(folder, FileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return keywords;
        }
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < MaxKeywords
                && KeywordAtoms.IsAtom(parts[1]))
            {
                keywords[(char)('a' + index)] = parts[1];
            }
        }
        return keywords;
    }

    /// <summary>The file's text for <paramref name="keywords"/> (the first <see cref="MaxKeywords"/>, letters in order).</summary>
    public static string Format(IReadOnlyList<string> keywords) =>
        string.Concat(keywords.Take(MaxKeywords).Select((k, i) => $"{i.ToString(CultureInfo.InvariantCulture)} {k}\n"));
}
