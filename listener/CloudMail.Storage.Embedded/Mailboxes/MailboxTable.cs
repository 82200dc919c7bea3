using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>Reads and writes rows of <c>mailboxes</c>, <c>mailbox_accounts</c> and <c>subscriptions</c>.</summary>
internal static class MailboxTable
{
    private const string Columns =
        "id, name, special_use, uid_validity, uid_next, highest_modseq, message_count, unseen_count, total_size";

    /// <summary>
    /// The <c>mailbox_accounts</c> row holding the highest UIDVALIDITY any erased account had: not an address, so it holds no
    /// personal data, and new accounts start above it.
    /// </summary>
    public const string ErasedAccounts = "";

    /// <summary>Raises the erased accounts' UIDVALIDITY high-water mark to <paramref name="account"/>'s, then deletes its row.</summary>
    public static void EraseAccountRow(SqliteConnection c, string account)
    {
        c.Execute($"""
            INSERT INTO mailbox_accounts (account, last_uid_validity)
            SELECT '{ErasedAccounts}', last_uid_validity FROM mailbox_accounts WHERE account = @a
            ON CONFLICT (account) DO UPDATE SET last_uid_validity = MAX(last_uid_validity, excluded.last_uid_validity)
            """, ("@a", account));
        c.Execute("DELETE FROM mailbox_accounts WHERE account = @a", ("@a", account));
    }

    /// <summary>HIGHESTMODSEQ of a new, empty mailbox (MODSEQ values are positive, RFC 7162 §3.1.1).</summary>
    private const ulong InitialModSeq = 1;

    public static MailboxRow? Find(SqliteConnection c, string account, string name) =>
        c.QueryFirstOrDefault($"SELECT {Columns} FROM mailboxes WHERE account = @a AND name = @n", Read,
            ("@a", account), ("@n", name));

    /// <summary>The mailbox, or <see cref="MailboxNotFoundException"/>.</summary>
    public static MailboxRow Require(SqliteConnection c, string account, string name) =>
        Find(c, account, name) ?? throw new MailboxNotFoundException(name);

    public static List<MailboxRow> List(SqliteConnection c, string account) =>
        c.Query($"SELECT {Columns} FROM mailboxes WHERE account = @a", Read, ("@a", account));

    /// <summary>Mailboxes strictly below <paramref name="name"/> in the hierarchy ("name/…").</summary>
    public static List<MailboxRow> Descendants(SqliteConnection c, string account, string name)
    {
        string prefix = name + DefaultMailboxes.Delimiter;
        return c.Query($"SELECT {Columns} FROM mailboxes WHERE account = @a AND substr(name, 1, @len) = @prefix", Read,
            ("@a", account), ("@len", prefix.Length), ("@prefix", prefix));
    }

    /// <summary>Creates a mailbox with a fresh UIDVALIDITY. The caller has checked that the name is free.</summary>
    public static MailboxRow Insert(SqliteConnection c, string account, string name, SpecialUse specialUse, DateTimeOffset now)
    {
        uint uidValidity = NextUidValidity(c, account, now);
        long id = c.ScalarInt64("""
            INSERT INTO mailboxes (account, name, special_use, uid_validity, uid_next, highest_modseq,
                                   message_count, unseen_count, total_size)
            VALUES (@a, @n, @use, @uv, 1, @modseq, 0, 0, 0) RETURNING id
            """, ("@a", account), ("@n", name), ("@use", (int)specialUse), ("@uv", (long)uidValidity), ("@modseq", (long)InitialModSeq));
        return new MailboxRow(id, name, specialUse, uidValidity, 1, InitialModSeq, 0, 0, 0);
    }

    /// <summary>Writes the counters of <paramref name="row"/> back.</summary>
    public static void Save(SqliteConnection c, MailboxRow row) =>
        c.Execute("""
            UPDATE mailboxes SET uid_next = @next, highest_modseq = @modseq,
                message_count = @count, unseen_count = @unseen, total_size = @size
            WHERE id = @id
            """, ("@next", (long)row.UidNext), ("@modseq", (long)row.HighestModSeq), ("@count", row.Messages),
            ("@unseen", row.Unseen), ("@size", row.Size), ("@id", row.Id));

    public static void SetName(SqliteConnection c, long id, string name) =>
        c.Execute("UPDATE mailboxes SET name = @n WHERE id = @id", ("@n", name), ("@id", id));

    /// <summary>Deletes the mailbox; its messages and expunge log go with it (ON DELETE CASCADE).</summary>
    public static void Delete(SqliteConnection c, long id) => c.Execute("DELETE FROM mailboxes WHERE id = @id", ("@id", id));

    /// <summary>
    /// UIDVALIDITY for a new mailbox: the current Unix time in seconds, but always above the last value this
    /// account got, so it differs even when a mailbox is deleted and recreated within the same second. An account without
    /// a row (new, or erased and created again) starts above every erased account's last value (the row of account '').
    /// </summary>
    private static uint NextUidValidity(SqliteConnection c, string account, DateTimeOffset now)
    {
        long last = c.ScalarInt64($"""
            SELECT COALESCE((SELECT last_uid_validity FROM mailbox_accounts WHERE account = @a),
                            (SELECT last_uid_validity FROM mailbox_accounts WHERE account = '{ErasedAccounts}'), 0)
            """, ("@a", account));
        long next = Math.Max(Math.Clamp(now.ToUnixTimeSeconds(), 1, uint.MaxValue), last + 1);
        if (next > uint.MaxValue) throw new MailboxConflictException($"Account '{account}' has run out of UIDVALIDITY values.");
        c.Execute("""
            INSERT INTO mailbox_accounts (account, last_uid_validity) VALUES (@a, @v)
            ON CONFLICT (account) DO UPDATE SET last_uid_validity = excluded.last_uid_validity
            """, ("@a", account), ("@v", next));
        return (uint)next;
    }

    private static MailboxRow Read(SqliteDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        (SpecialUse)r.GetInt32(2),
        (uint)r.GetInt64(3),
        (uint)r.GetInt64(4),
        (ulong)r.GetInt64(5),
        r.GetInt32(6),
        r.GetInt32(7),
        r.GetInt64(8));
}
