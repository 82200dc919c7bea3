using System.Globalization;
using System.Text;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// A Maildir message file name, <c>unique:2,INFO</c> (D. J. Bernstein's maildir(5) and the Maildir++ conventions): the
/// info letters after <c>:2,</c> (<c>!2,</c> where ':' cannot be in file names) are the flags, upper case in ASCII order:
/// D draft, F flagged, P passed (no IMAP flag), R replied (\Answered), S seen, T trashed (\Deleted); lower-case letters
/// are keywords by their index in the folder's <c>dovecot-keywords</c> file (a = 0). Never throws.
/// </summary>
public static class MaildirFileName
{
    /// <summary>The flags and keyword letters of a file name (none when it has no <c>:2,</c> info).</summary>
    public static (MessageFlags Flags, string KeywordLetters) ParseInfo(string fileName)
    {
        int info = Math.Max(fileName.LastIndexOf(":2,", StringComparison.Ordinal), fileName.LastIndexOf("!2,", StringComparison.Ordinal));
        if (info < 0) return (MessageFlags.None, "");
        var flags = MessageFlags.None;
        var keywords = new StringBuilder();
        foreach (char c in fileName.AsSpan(info + 3))
        {
            flags |= c switch
            {
                'D' => MessageFlags.Draft,
                'F' => MessageFlags.Flagged,
                'R' => MessageFlags.Answered,
                'S' => MessageFlags.Seen,
                'T' => MessageFlags.Deleted,
                _ => MessageFlags.None,
            };
            if (c is >= 'a' and <= 'z') keywords.Append(c);
        }
        return (flags, keywords.ToString());
    }

    /// <summary>
    /// A file name for a message: <c>SECONDS.cloudmail-UIDVALIDITY-UID.HOST,S=SIZE:2,FLAGS</c> (Maildir++ puts the size in
    /// the name); <paramref name="keywordLetters"/> follow the flag letters.
    /// </summary>
    public static string Format(DateTimeOffset internalDate, uint uidValidity, uint uid, string host, long size, MessageFlags flags, string keywordLetters)
    {
        var name = new StringBuilder();
        name.Append(internalDate.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
            .Append(".cloudmail-").Append(uidValidity.ToString(CultureInfo.InvariantCulture)).Append('-').Append(uid.ToString(CultureInfo.InvariantCulture))
            .Append('.').Append(SafeHost(host)).Append(",S=").Append(size.ToString(CultureInfo.InvariantCulture)).Append(":2,");
        if (flags.HasFlag(MessageFlags.Draft)) name.Append('D');
        if (flags.HasFlag(MessageFlags.Flagged)) name.Append('F');
        if (flags.HasFlag(MessageFlags.Answered)) name.Append('R');
        if (flags.HasFlag(MessageFlags.Seen)) name.Append('S');
        if (flags.HasFlag(MessageFlags.Deleted)) name.Append('T');
        return name.Append(keywordLetters).ToString();
    }

    /// <summary>maildir(5): '/' and ':' in the host name are written as \057 and \072.</summary>
    private static string SafeHost(string host) => host.Replace("/", "\\057", StringComparison.Ordinal).Replace(":", "\\072", StringComparison.Ordinal);
}
