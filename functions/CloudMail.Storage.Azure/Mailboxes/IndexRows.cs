using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>
/// Layout of the <see cref="AzureResourceNames.Tables.MailboxIndex"/> table: one partition per account
/// (PartitionKey = escaped lower-cased address), so every operation of one account can be one entity-group
/// transaction and nothing ever needs a cross-partition one.
/// <list type="table">
/// <item><term><c>acct</c></term><description>account row: the last UIDVALIDITY handed out (survives <c>DeleteAccountData</c>)</description></item>
/// <item><term><c>box:{name}</c></term><description>mailbox row: id (= its UIDVALIDITY), UIDNEXT, HIGHESTMODSEQ, counters; its ETag guards the mailbox</description></item>
/// <item><term><c>msg:{id:D10}:{uid:D10}</c></term><description>message row: blob claim-check, flags, keywords, MODSEQ, INTERNALDATE</description></item>
/// <item><term><c>xpg:{id:D10}:{uid:D10}</c></term><description>expunge log row: the MODSEQ of the expunge (QRESYNC VANISHED)</description></item>
/// <item><term><c>sub:{name}</c></term><description>subscription</description></item>
/// <item><term><c>key:{idempotency key}</c></term><description>append idempotency row: the result of the first append with that key</description></item>
/// </list>
/// Message and expunge rows are keyed by the mailbox's immutable id, not its name, so RENAME rewrites only
/// mailbox rows. The id is the mailbox's UIDVALIDITY, which is unique per account because the account row
/// hands them out strictly increasing and is never deleted; rows left behind by a deleted mailbox can
/// therefore never be mistaken for a new mailbox's.
/// </summary>
internal static class IndexRows
{
    public const string Account = "acct";
    public const string MailboxPrefix = "box:";
    public const string SubscriptionPrefix = "sub:";

    /// <summary>Idempotency keys longer than this (escaped) are stored by their SHA-256 (RowKey limit: 1 KiB).</summary>
    private const int MaxPlainKeyLength = 512;

    public static string Partition(string account) => TableKeys.Escape(account);

    public static string Mailbox(string name) => MailboxPrefix + TableKeys.Escape(name);

    /// <summary>Prefix of the mailbox rows strictly below <paramref name="name"/> ("name/…").</summary>
    public static string MailboxChildren(string name) => Mailbox(name + Core.Mailboxes.DefaultMailboxes.Delimiter);

    /// <summary>Prefix of every message row of the partition.</summary>
    public const string AnyMessagePrefix = "msg:";

    /// <summary>The mailbox id in a message row key (<c>msg:{id:D10}:{uid:D10}</c>).</summary>
    public static long MailboxIdOfMessage(string rowKey) =>
        long.Parse(rowKey.AsSpan(AnyMessagePrefix.Length, 10), NumberStyles.None, CultureInfo.InvariantCulture);

    public static string MessagePrefix(long mailboxId) => string.Create(CultureInfo.InvariantCulture, $"msg:{mailboxId:D10}:");

    public static string Message(long mailboxId, uint uid) => string.Create(CultureInfo.InvariantCulture, $"msg:{mailboxId:D10}:{uid:D10}");

    public static string ExpungedPrefix(long mailboxId) => string.Create(CultureInfo.InvariantCulture, $"xpg:{mailboxId:D10}:");

    public static string Expunged(long mailboxId, uint uid) => string.Create(CultureInfo.InvariantCulture, $"xpg:{mailboxId:D10}:{uid:D10}");

    public static string Subscription(string name) => SubscriptionPrefix + TableKeys.Escape(name);

    public static string AppendKey(string idempotencyKey)
    {
        string escaped = TableKeys.Escape(idempotencyKey);
        return escaped.Length <= MaxPlainKeyLength
            ? "key:" + escaped
            : "keyh:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
    }
}
