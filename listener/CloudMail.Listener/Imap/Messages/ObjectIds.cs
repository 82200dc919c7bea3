using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Blobs;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// The object identifiers of OBJECTID (RFC 8474), derived from what the index already keeps, so both backends answer
/// alike without storing anything new:
/// <list type="bullet">
/// <item>MAILBOXID (§4): "M" + the mailbox's UIDVALIDITY (8 hex digits) + 8 hex digits of a hash of the account. Both
/// backends give each new mailbox of an account a UIDVALIDITY above every earlier one (kept even across the account's
/// erasure) and keep it over RENAME, so the id stays with a renamed mailbox and never names another one; renaming INBOX
/// moves its messages to a new mailbox, which gets a new id, as §4.2 asks.</item>
/// <item>EMAILID (§5.1): "E" + the message's blob id. COPY, MOVE and delivery to several recipients share one immutable
/// blob, so copies keep the id and two ids never name different content.</item>
/// <item>THREADID (§5.2): not kept; NIL, as §5.2 allows a server that does not group threads.</item>
/// </list>
/// Every id is 1 to 255 characters of ALPHA, DIGIT, "_" and "-" (the objectid rule of §7).
/// </summary>
internal static class ObjectIds
{
    public static string MailboxId(string account, uint uidValidity) =>
        "M" + uidValidity.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)
            + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account.ToLowerInvariant())), 0, 4);

    /// <summary>"E" + the blob id when it is objectid-safe (every id the pipeline and APPEND make is), else a hash of it.</summary>
    public static string EmailId(BlobRef blob) =>
        blob.Id.Length is > 0 and <= 200 && blob.Id.All(IsObjectIdChar)
            ? "E" + blob.Id
            : "E" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blob.Id)), 0, 16);

    private static bool IsObjectIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
