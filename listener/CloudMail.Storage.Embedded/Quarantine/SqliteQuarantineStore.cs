using CloudMail.Core.Quarantine;
using CloudMail.Storage.Embedded.Queue;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Quarantine;

/// <summary><see cref="IQuarantineStore"/> as the <c>quarantine</c> table of mail.db; each write is one statement.</summary>
internal sealed class SqliteQuarantineStore(SqliteDatabase db) : IQuarantineStore
{
    private const string Columns = "message_id, job, signature, quarantined_at";

    public Task<bool> AddAsync(QuarantineEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return db.WriteAsync(c => c.Execute($"""
            INSERT INTO quarantine ({Columns}) VALUES (@m, @j, @s, @t)
            ON CONFLICT (message_id) DO NOTHING
            """, ("@m", entry.MessageId), ("@j", MailJobJson.Serialize(entry.Job)), ("@s", entry.Signature),
            ("@t", StoredTime.ToTicks(entry.QuarantinedAt))) == 1, cancellationToken);
    }

    public Task<QuarantineEntry?> GetAsync(string messageId, CancellationToken cancellationToken) =>
        db.ReadAsync(c => c.QueryFirstOrDefault($"SELECT {Columns} FROM quarantine WHERE message_id = @m", Read, ("@m", messageId)), cancellationToken);

    public Task<IReadOnlyList<QuarantineEntry>> ListAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<QuarantineEntry>>(c => c.Query($"SELECT {Columns} FROM quarantine ORDER BY quarantined_at DESC, message_id", Read),
            cancellationToken);

    public Task<bool> RemoveAsync(string messageId, CancellationToken cancellationToken) =>
        db.WriteAsync(c => c.Execute("DELETE FROM quarantine WHERE message_id = @m", ("@m", messageId)) == 1, cancellationToken);

    private static QuarantineEntry Read(SqliteDataReader r) =>
        new(r.GetString(0), MailJobJson.Deserialize(r.GetString(1)), r.GetString(2), StoredTime.FromTicks(r.GetInt64(3)));
}
