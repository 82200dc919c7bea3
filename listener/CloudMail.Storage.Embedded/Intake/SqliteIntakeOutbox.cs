using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Storage.Embedded.Queue;
using CloudMail.Storage.Embedded.Sqlite;

namespace CloudMail.Storage.Embedded.Intake;

/// <summary>
/// <see cref="IIntakeOutbox"/> in its own SQLite database, DataDirectory/<see cref="FileName"/> (WAL,
/// synchronous=FULL, group commit like the other embedded databases). One row per message id, so recording a
/// message again replaces its marker; listing is one range scan of the time index, strictly oldest first;
/// removal deletes the row only while it still holds the given marker's time.
/// </summary>
public sealed class SqliteIntakeOutbox : IIntakeOutbox, IDisposable
{
    /// <summary>File name inside the data directory.</summary>
    public const string FileName = "intake.db";

    private readonly SqliteDatabase _db;

    private SqliteIntakeOutbox(SqliteDatabase db) => _db = db;

    /// <summary>File name of the outbound ledger's instance (<see cref="CloudMail.Core.Queue.OutboundLedger"/>), same schema.</summary>
    public const string OutboundLedgerFileName = "outbound-ledger.db";

    /// <summary>Opens (creating file and schema if needed) the outbox in <paramref name="dataDirectory"/>.</summary>
    public static SqliteIntakeOutbox Open(string dataDirectory) => Open(dataDirectory, FileName);

    /// <summary>
    /// Opens (creating file and schema if needed) the outbox in <paramref name="dataDirectory"/>, in file
    /// <paramref name="fileName"/> (<see cref="FileName"/>, or <see cref="OutboundLedgerFileName"/> for the outbound ledger).
    /// </summary>
    public static SqliteIntakeOutbox Open(string dataDirectory, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        string root = Files.DataFolder.Prepare(dataDirectory);
        return new SqliteIntakeOutbox(SqliteDatabase.Open(Path.Combine(root, fileName), [IntakeSchema.V1]));
    }

    public Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        ArgumentException.ThrowIfNullOrEmpty(marker.Job.MessageId);
        string job = MailJobJson.Serialize(marker.Job);
        return _db.WriteAsync(c => c.Execute("""
            INSERT INTO intake_markers (message_id, job, recorded_at, requeues) VALUES (@m, @job, @at, @requeues)
            ON CONFLICT (message_id) DO UPDATE SET job = excluded.job, recorded_at = excluded.recorded_at, requeues = excluded.requeues
            """, ("@m", marker.Job.MessageId), ("@job", job), ("@at", StoredTime.ToTicks(marker.RecordedAt)), ("@requeues", marker.Requeues)),
            cancellationToken);
    }

    public Task<IReadOnlyList<IntakeMarker>> ListRecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        return _db.ReadAsync<IReadOnlyList<IntakeMarker>>(c => c.Query("""
            SELECT job, recorded_at, requeues FROM intake_markers WHERE recorded_at < @cutoff
            ORDER BY recorded_at, message_id LIMIT @max
            """, r => new IntakeMarker(MailJobJson.Deserialize(r.GetString(0)), StoredTime.FromTicks(r.GetInt64(1)), r.GetInt32(2)),
            ("@cutoff", StoredTime.ToTicks(cutoff)), ("@max", max)), cancellationToken);
    }

    public Task RemoveAsync(IntakeMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        return _db.WriteAsync(c => c.Execute("DELETE FROM intake_markers WHERE message_id = @m AND recorded_at = @at",
            ("@m", marker.Job.MessageId), ("@at", StoredTime.ToTicks(marker.RecordedAt))), cancellationToken);
    }

    /// <summary>Commits pending writes and closes the database.</summary>
    public void Dispose() => _db.Dispose();
}
