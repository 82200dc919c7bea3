using System.Globalization;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Protocols.Imap;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// Mailbox names as folder and file names. Maildir++ (<see cref="ToMaildirFolder"/>): <c>.A.B</c> for mailbox
/// <c>A/B</c>, each level in modified UTF-7 (RFC 3501 §5.1.3) as Dovecot writes it, and a '.' or '\' inside a level
/// escaped <c>\2e</c>, <c>\5c</c> (Dovecot's listescape). mbox exports (<see cref="ToFilePath"/>): one folder per level
/// and the last level as <c>NAME.mbox</c>, with a leading '.' and any '\' escaped the same way, so that no level can be
/// <c>.</c> or <c>..</c>. Decoding never throws: a level that does not decode is kept as it is written.
/// </summary>
public static class MailFolderNames
{
    /// <summary>File name ending of an exported mbox file.</summary>
    public const string MboxExtension = ".mbox";

    /// <summary>
    /// True when an import may create or fill mailbox <paramref name="name"/>: a name IMAP CREATE would accept (no empty
    /// levels, wildcards or control characters; <see cref="MailboxNames.IsValidNew"/>), within the length and depth limits.
    /// </summary>
    public static bool IsImportable(string name) =>
        MailboxNames.IsValidNew(name) && name.Length <= DefaultMailboxes.MaxNameLength && MailboxNames.Depth(name) <= MailboxNames.MaxDepth;

    /// <summary>The Maildir++ folder name (<c>.A.B</c>) of mailbox <paramref name="mailbox"/>.</summary>
    public static string ToMaildirFolder(string mailbox) =>
        "." + string.Join('.', mailbox.Split(DefaultMailboxes.Delimiter).Select(level => Escape(ModifiedUtf7.Encode(level), allDots: true)));

    /// <summary>The mailbox of a Maildir++ folder name (<c>.A.B</c> is <c>A/B</c>).</summary>
    public static string FromMaildirFolder(string folder) => DefaultMailboxes.Canonical(
        string.Join(DefaultMailboxes.Delimiter, folder.TrimStart('.').Split('.').Select(level => DecodeUtf7(Unescape(level)))));

    /// <summary>The path, relative to an export folder, of the mbox file of <paramref name="mailbox"/>.</summary>
    public static string ToFilePath(string mailbox) =>
        Path.Combine([.. mailbox.Split(DefaultMailboxes.Delimiter).Select(level => Escape(level, allDots: false))]) + MboxExtension;

    /// <summary>The mailbox of an mbox file at <paramref name="relativePath"/> in an export folder.</summary>
    public static string FromFilePath(string relativePath)
    {
        string path = relativePath.EndsWith(MboxExtension, StringComparison.OrdinalIgnoreCase) ? relativePath[..^MboxExtension.Length] : relativePath;
        return DefaultMailboxes.Canonical(string.Join(DefaultMailboxes.Delimiter,
            path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries).Select(Unescape)));
    }

    private static string Escape(string level, bool allDots)
    {
        var text = new StringBuilder(level.Length);
        for (int i = 0; i < level.Length; i++)
        {
            char c = level[i];
            if (c == '\\') text.Append("\\5c");
            else if (c == '.' && (allDots || i == 0)) text.Append("\\2e");
            else text.Append(c);
        }
        return text.ToString();
    }

    private static string Unescape(string level)
    {
        if (!level.Contains('\\', StringComparison.Ordinal)) return level;
        var text = new StringBuilder(level.Length);
        for (int i = 0; i < level.Length; i++)
        {
            if (level[i] == '\\' && i + 2 < level.Length && byte.TryParse(level.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
            {
                text.Append((char)b);
                i += 2;
            }
            else
            {
                text.Append(level[i]);
            }
        }
        return text.ToString();
    }

    private static string DecodeUtf7(string level) =>
        ModifiedUtf7.TryDecode(Encoding.UTF8.GetBytes(level), out string decoded) ? decoded : level;
}
