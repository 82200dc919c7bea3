using System.Globalization;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>
/// Layout of the <see cref="AzureResourceNames.Tables.MailboxIndex"/> table: one partition per account
/// (PartitionKey = escaped lower-cased address), so every operation of one account can be one entity-group
/// transaction and nothing ever needs a cross-partition one.
/// <list type="table">
/// <item><term><c>acct</c></term><description>account row: the last UIDVALIDITY handed out. Erasing the account deletes it after raising
/// the same row of partition <see cref="ErasedAccounts"/> to its value; an account without one starts above that</description></item>
/// <item><term><c>box:{name}</c></term><description>mailbox row: id (= its UIDVALIDITY), UIDNEXT, HIGHESTMODSEQ, counters; its ETag guards the mailbox</description></item>
/// <item><term><c>box::{hash}</c></term><description>the same for a name whose escaped form makes the key longer than <see cref="TableKeys.MaxKeyLength"/>: keyed by the name's SHA-256 (the <c>Name</c> property holds it)</description></item>
/// <item><term><c>msg:{id:D10}:{uid:D10}</c></term><description>message row: blob claim-check, flags, keywords, MODSEQ, INTERNALDATE</description></item>
/// <item><term><c>chg:{id:D10}:{modseq:D20}</c></term><description>change index row: a copy of the message row under its MODSEQ, so that
/// "changed since n" is one range query over exactly the changed messages (kept only by mailboxes with <c>ChangeIndexed</c>,
/// i.e. created since the index exists; older ones scan their message rows)</description></item>
/// <item><term><c>xpm:{id:D10}:{modseq:D20}:{uid:D10}</c></term><description>expunge log row, ordered by the MODSEQ of the expunge
/// (QRESYNC VANISHED): "expunged since n" is a range query, and pruning takes the oldest first (<see cref="MailboxPruning"/>)</description></item>
/// <item><term><c>xpg:{id:D10}:{uid:D10}</c></term><description>expunge log row of the earlier layout (no longer written; read and pruned)</description></item>
/// <item><term><c>sub:{name}</c></term><description>subscription (<c>sub::{hash}</c> for a name too long for a key, as for mailbox rows)</description></item>
/// <item><term><c>key:{idempotency key}</c></term><description>append idempotency row: the result of the first append with that key
/// (the inbound job's message id; <c>keyh:{hash}</c> for a long key); needed only while the job can be redelivered, pruned after
/// <see cref="Core.Mailboxes.MailboxIndexOptions.AppendKeyRetention"/></description></item>
/// </list>
/// Message and expunge rows are keyed by the mailbox's immutable id, not its name, so RENAME rewrites only
/// mailbox rows. The id is the mailbox's UIDVALIDITY, which is unique per account because the account row
/// hands them out strictly increasing and is never deleted; rows left behind by a deleted mailbox can
/// therefore never be mistaken for a new mailbox's. A hashed key can never be mistaken for a plain one: ':' is always
/// escaped, so no escaped name starts with it. Hashed rows sort together under <see cref="HashedMailboxPrefix"/>; only
/// they escape the prefix range queries over children ("name/…"), so those queries read them too.
/// </summary>
internal static class IndexRows
{
    public const string Account = "acct";
    public const string MailboxPrefix = "box:";
    public const string SubscriptionPrefix = "sub:";

    /// <summary>Prefix of every mailbox row keyed by the hash of its name (see <see cref="Mailbox"/>).</summary>
    public const string HashedMailboxPrefix = MailboxPrefix + HashMark;

    /// <summary>Follows a row prefix when the rest of the key is a hash: ':' never starts an escaped value.</summary>
    private const string HashMark = ":";

    /// <summary>Idempotency keys longer than this (escaped) are stored by their SHA-256 (RowKey limit: 1 KiB).</summary>
    private const int MaxPlainKeyLength = 512;

    public static string Partition(string account) => TableKeys.Escape(account);

    /// <summary>
    /// Partition (and blob holder) standing for every erased account: its <c>acct</c> row keeps the highest UIDVALIDITY they
    /// had, and blobs they held are held by it instead. Never an account's partition: accounts are addresses, with '@'.
    /// </summary>
    public const string ErasedAccounts = "erased-accounts";

    /// <summary>The mailbox row key: <c>box:</c> and the escaped name, or <c>box::</c> and its hash when that would be too long.</summary>
    public static string Mailbox(string name) => NameKey(MailboxPrefix, name);

    /// <summary>
    /// Prefix of the plainly keyed mailbox rows strictly below <paramref name="name"/> ("name/…"); null when it is
    /// too long for any plain key to start with it (every such child is hashed).
    /// </summary>
    public static string? MailboxChildren(string name)
    {
        string prefix = MailboxPrefix + TableKeys.Escape(name + Core.Mailboxes.DefaultMailboxes.Delimiter);
        return prefix.Length < TableKeys.MaxKeyLength ? prefix : null;
    }

    /// <summary>Prefix of every message row of the partition.</summary>
    public const string AnyMessagePrefix = "msg:";

    /// <summary>The mailbox id in a message row key (<c>msg:{id:D10}:{uid:D10}</c>).</summary>
    public static long MailboxIdOfMessage(string rowKey) =>
        long.Parse(rowKey.AsSpan(AnyMessagePrefix.Length, 10), NumberStyles.None, CultureInfo.InvariantCulture);

    public static string MessagePrefix(long mailboxId) => string.Create(CultureInfo.InvariantCulture, $"msg:{mailboxId:D10}:");

    public static string Message(long mailboxId, uint uid) => string.Create(CultureInfo.InvariantCulture, $"msg:{mailboxId:D10}:{uid:D10}");

    /// <summary>Prefix of a mailbox's change index rows.</summary>
    public static string ChangePrefix(long mailboxId) => string.Create(CultureInfo.InvariantCulture, $"chg:{mailboxId:D10}:");

    /// <summary>The change index row of the message whose current MODSEQ is <paramref name="modSeq"/>.</summary>
    public static string Change(long mailboxId, ulong modSeq) => string.Create(CultureInfo.InvariantCulture, $"chg:{mailboxId:D10}:{modSeq:D20}");

    /// <summary>Prefix of a mailbox's expunge log rows (ordered by MODSEQ).</summary>
    public static string ExpungeLogPrefix(long mailboxId) => string.Create(CultureInfo.InvariantCulture, $"xpm:{mailboxId:D10}:");

    /// <summary>Lowest key of the expunge log rows with MODSEQ &gt;= <paramref name="modSeq"/>.</summary>
    public static string ExpungeLogFrom(long mailboxId, ulong modSeq) => string.Create(CultureInfo.InvariantCulture, $"xpm:{mailboxId:D10}:{modSeq:D20}");

    public static string ExpungeLog(long mailboxId, ulong modSeq, uint uid) =>
        string.Create(CultureInfo.InvariantCulture, $"xpm:{mailboxId:D10}:{modSeq:D20}:{uid:D10}");

    /// <summary>Lowest and highest key every append idempotency row (<c>key:</c>, <c>keyh:</c>) sorts between.</summary>
    public const string AppendKeysFrom = "key";

    /// <summary>Prefix of the earlier expunge log layout (keyed by UID).</summary>
    public static string ExpungedPrefix(long mailboxId) => string.Create(CultureInfo.InvariantCulture, $"xpg:{mailboxId:D10}:");


    /// <summary>The subscription row key: <c>sub:</c> and the escaped name, or <c>sub::</c> and its hash when that would be too long.</summary>
    public static string Subscription(string name) => NameKey(SubscriptionPrefix, name);

    public static string AppendKey(string idempotencyKey)
    {
        string escaped = TableKeys.Escape(idempotencyKey);
        return escaped.Length <= MaxPlainKeyLength ? "key:" + escaped : "keyh:" + TableKeys.Hash(idempotencyKey);
    }

    private static string NameKey(string prefix, string name)
    {
        string plain = prefix + TableKeys.Escape(name);
        return plain.Length <= TableKeys.MaxKeyLength ? plain : prefix + HashMark + TableKeys.Hash(name);
    }
}
