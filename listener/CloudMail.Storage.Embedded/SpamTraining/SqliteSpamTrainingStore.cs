using CloudMail.Core.Filtering.Training;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.SpamTraining;

/// <summary><see cref="ISpamTrainingStore"/> as the <c>spam_training</c> table of mail.db; each write is one transaction.</summary>
internal sealed class SqliteSpamTrainingStore(SqliteDatabase db) : ISpamTrainingStore
{
    private const string Columns = "id, account, kind, blob_id, source, destination, recorded_at, state, attempts, due_at, last_error";

    public Task RecordAsync(TrainingSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return db.WriteAsync(c => c.Execute($"""
            INSERT INTO spam_training ({Columns}) VALUES (@id, @a, @k, @b, @s, @d, @r, @st, @n, @due, @e)
            ON CONFLICT (id) DO NOTHING
            """, ("@id", signal.Id), ("@a", signal.Account), ("@k", signal.Kind.ToString()), ("@b", signal.BlobId), ("@s", signal.Source),
            ("@d", signal.Destination), ("@r", StoredTime.ToTicks(signal.RecordedAt)), ("@st", signal.State.ToString()),
            ("@n", signal.Attempts), ("@due", StoredTime.ToTicks(signal.DueAt)), ("@e", signal.LastError)), cancellationToken);
    }

    public Task<IReadOnlyList<TrainingSignal>> ListAsync(string? account, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<TrainingSignal>>(c => account is null
            ? c.Query($"SELECT {Columns} FROM spam_training ORDER BY recorded_at DESC, id DESC LIMIT @l", Read, ("@l", limit))
            : c.Query($"SELECT {Columns} FROM spam_training WHERE account = @a ORDER BY recorded_at DESC, id DESC LIMIT @l", Read,
                ("@a", account), ("@l", limit)), cancellationToken);

    public Task<IReadOnlyList<TrainingSignal>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<TrainingSignal>>(c => c.Query(
            $"SELECT {Columns} FROM spam_training WHERE state = 'Pending' AND due_at <= @now ORDER BY due_at, id LIMIT @l", Read,
            ("@now", StoredTime.ToTicks(now)), ("@l", limit)), cancellationToken);

    /// <summary>One DELETE (a scan: the table holds what users file by hand), unsynced: a lost one is redone next sweep.</summary>
    public Task<int> ForgetSettledBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteUnsyncedAsync(c => c.Execute("DELETE FROM spam_training WHERE state <> 'Pending' AND recorded_at < @b",
            ("@b", StoredTime.ToTicks(before))), cancellationToken);

    public Task UpdateAsync(TrainingSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return db.WriteAsync(c => c.Execute("UPDATE spam_training SET state = @st, attempts = @n, due_at = @due, last_error = @e WHERE id = @id",
            ("@id", signal.Id), ("@st", signal.State.ToString()), ("@n", signal.Attempts), ("@due", StoredTime.ToTicks(signal.DueAt)),
            ("@e", signal.LastError)), cancellationToken);
    }

    private static TrainingSignal Read(SqliteDataReader r)
    {
        var recorded = StoredTime.FromTicks(r.GetInt64(6));
        var due = StoredTime.FromTicks(r.GetInt64(9));
        return new TrainingSignal(r.GetString(0), r.GetString(1), Enum.Parse<TrainingKind>(r.GetString(2)), r.GetString(3), r.GetString(4),
            r.GetString(5), recorded, Enum.Parse<TrainingState>(r.GetString(7)), r.GetInt32(8), due == recorded ? null : due,
            r.IsDBNull(10) ? null : r.GetString(10));
    }
}
