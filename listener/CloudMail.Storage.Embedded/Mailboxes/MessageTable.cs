using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>Reads and writes rows of <c>messages</c> and <c>expunged</c>.</summary>
internal static class MessageTable
{
    private const string RecordColumns = "uid, blob_id, blob_size, blob_sha256, internal_date, internal_offset, flags, keywords, modseq, save_date";

    /// <summary>Every column of a record, the structure included: for rows that are copied or moved.</summary>
    private const string Columns = RecordColumns + ", structure";

    /// <summary>A record without its structure (a NULL in its place): for lists handed to readers (<see cref="IMailboxIndex.GetMessagesAsync"/>).</summary>
    private const string ListedColumns = RecordColumns + ", NULL";

    /// <summary>As <see cref="ListedColumns"/>, an empty string in place of the blob's hash (<see cref="IMailboxIndex.ListForViewAsync"/>).</summary>
    private const string ViewedColumns = "uid, blob_id, blob_size, '', internal_date, internal_offset, flags, keywords, modseq, save_date, NULL";

    /// <summary>The changed-since query (parameters <c>@m</c>, <c>@s</c>); internal so a test can check its plan.</summary>
    internal const string ChangedSinceSql =
        $"SELECT {ListedColumns} FROM messages INDEXED BY messages_by_modseq WHERE mailbox_id = @m AND modseq > @s ORDER BY uid";

    /// <summary>The expunged-since query (parameters <c>@m</c>, <c>@s</c>).</summary>
    internal const string ExpungedSinceSql = "SELECT uid FROM expunged INDEXED BY expunged_by_modseq WHERE mailbox_id = @m AND modseq > @s ORDER BY uid";

    /// <summary>Every message of the mailbox with its structure, ascending by UID (to copy them).</summary>
    public static List<MessageRecord> All(SqliteConnection c, long mailboxId) =>
        c.Query($"SELECT {Columns} FROM messages WHERE mailbox_id = @m ORDER BY uid", Read, ("@m", mailboxId));

    /// <summary>Every message of the mailbox without its structure, ascending by UID (to list them).</summary>
    public static List<MessageRecord> Listed(SqliteConnection c, long mailboxId) =>
        c.Query($"SELECT {ListedColumns} FROM messages WHERE mailbox_id = @m ORDER BY uid", Read, ("@m", mailboxId));

    /// <summary>As <see cref="Listed"/>, without the blobs' hashes (<see cref="IMailboxIndex.ListForViewAsync"/>).</summary>
    public static List<MessageRecord> Viewed(SqliteConnection c, long mailboxId) =>
        c.Query($"SELECT {ViewedColumns} FROM messages WHERE mailbox_id = @m ORDER BY uid", Read, ("@m", mailboxId));

    /// <summary>The kept structures of the messages among <paramref name="uids"/> that have one.</summary>
    public static List<KeptStructure> Structures(SqliteConnection c, long mailboxId, IEnumerable<uint> uids) =>
        c.Query("""
            SELECT uid, blob_id, structure FROM messages
            WHERE mailbox_id = @m AND uid IN (SELECT value FROM json_each(@uids)) AND structure IS NOT NULL
            """, r => new KeptStructure((uint)r.GetInt64(0), r.GetString(1), r.GetString(2)), ("@m", mailboxId), ("@uids", Sql.JsonArray(uids)));

    /// <summary>The messages among <paramref name="uids"/> that exist, ascending by UID.</summary>
    public static List<MessageRecord> Find(SqliteConnection c, long mailboxId, IEnumerable<uint> uids) =>
        c.Query($"""
            SELECT {Columns} FROM messages
            WHERE mailbox_id = @m AND uid IN (SELECT value FROM json_each(@uids)) ORDER BY uid
            """, Read, ("@m", mailboxId), ("@uids", Sql.JsonArray(uids)));

    /// <summary>
    /// Messages with a MODSEQ above <paramref name="modSeq"/>: a range seek in index <c>messages_by_modseq</c>, named because
    /// the planner would otherwise walk the whole mailbox in primary-key order to save sorting the few rows found.
    /// </summary>
    public static List<MessageRecord> ChangedSince(SqliteConnection c, long mailboxId, ulong modSeq) =>
        c.Query(ChangedSinceSql, Read,
            ("@m", mailboxId), ("@s", ToStored(modSeq)));

    /// <summary>UIDs expunged with a MODSEQ above <paramref name="modSeq"/>: a range seek in index <c>expunged_by_modseq</c> (named, as above).</summary>
    public static List<uint> ExpungedSince(SqliteConnection c, long mailboxId, ulong modSeq) =>
        c.Query(ExpungedSinceSql, r => (uint)r.GetInt64(0),
            ("@m", mailboxId), ("@s", ToStored(modSeq)));

    public static void Insert(SqliteConnection c, long mailboxId, MessageRecord m)
    {
        (long date, int offset) = StoredTime.ToTicksWithOffset(m.InternalDate);
        c.Execute("""
            INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, blob_id, blob_size, blob_sha256, internal_date, internal_offset, save_date, structure)
            VALUES (@m, @uid, @modseq, @flags, @kw, @blob, @size, @sha, @date, @offset, @saved, @structure)
            """, ("@m", mailboxId), ("@uid", (long)m.Uid), ("@modseq", (long)m.ModSeq), ("@flags", (int)m.Flags),
            ("@kw", KeywordList.Store(m.Keywords)), ("@blob", m.Blob.Id), ("@size", m.Blob.Size), ("@sha", m.Blob.Sha256),
            ("@date", date), ("@offset", offset), ("@saved", m.SaveDate is { } saved ? StoredTime.ToTicks(saved) : DBNull.Value),
            ("@structure", (object?)m.Structure ?? DBNull.Value));
    }

    /// <summary>Keeps the structure of one message; not a change (no MODSEQ). A missing row is left alone.</summary>
    public static void SetStructure(SqliteConnection c, long mailboxId, uint uid, string structure) =>
        c.Execute("UPDATE messages SET structure = @structure WHERE mailbox_id = @m AND uid = @uid",
            ("@structure", structure), ("@m", mailboxId), ("@uid", (long)uid));

    public static void UpdateFlags(SqliteConnection c, long mailboxId, MessageRecord m) =>
        c.Execute("UPDATE messages SET flags = @flags, keywords = @kw, modseq = @modseq WHERE mailbox_id = @m AND uid = @uid",
            ("@flags", (int)m.Flags), ("@kw", KeywordList.Store(m.Keywords)), ("@modseq", (long)m.ModSeq),
            ("@m", mailboxId), ("@uid", (long)m.Uid));

    /// <summary>Deletes the message and records its UID in the expunge log under <paramref name="modSeq"/>, logged at <paramref name="now"/>.</summary>
    public static void Expunge(SqliteConnection c, long mailboxId, uint uid, ulong modSeq, DateTimeOffset now)
    {
        c.Execute("DELETE FROM messages WHERE mailbox_id = @m AND uid = @uid", ("@m", mailboxId), ("@uid", (long)uid));
        c.Execute("INSERT INTO expunged (mailbox_id, uid, modseq, expunged_at) VALUES (@m, @uid, @modseq, @at)",
            ("@m", mailboxId), ("@uid", (long)uid), ("@modseq", ToStored(modSeq)), ("@at", StoredTime.ToTicks(now)));
    }

    private static long ToStored(ulong modSeq) => (long)Math.Min(modSeq, long.MaxValue);

    private static MessageRecord Read(SqliteDataReader r) => new(
        (uint)r.GetInt64(0),
        new BlobRef(r.GetString(1), r.GetInt64(2), r.GetString(3)),
        StoredTime.FromTicksWithOffset(r.GetInt64(4), r.GetInt32(5)),
        (MessageFlags)r.GetInt32(6),
        KeywordList.Load(r.GetString(7)),
        (ulong)r.GetInt64(8),
        r.IsDBNull(9) ? null : StoredTime.FromTicks(r.GetInt64(9)),
        r.IsDBNull(10) ? null : r.GetString(10));
}
