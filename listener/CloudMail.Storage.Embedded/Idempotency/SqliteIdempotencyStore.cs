using CloudMail.Core.Messages;
using CloudMail.Core.SendApi;
using CloudMail.Storage.Embedded.Sqlite;

namespace CloudMail.Storage.Embedded.Idempotency;

/// <summary>
/// <see cref="IIdempotencyStore"/> in its own SQLite database, DataDirectory/<see cref="FileName"/> (WAL, synchronous=FULL,
/// group commit like the other embedded databases). A claim is one write transaction on the single writer connection:
/// insert unless the key exists, then read the row, so concurrent claims of one key are serialized and all see the first.
/// </summary>
public sealed class SqliteIdempotencyStore : IIdempotencyStore, IDisposable
{
    /// <summary>File name inside the data directory.</summary>
    public const string FileName = "idempotency.db";

    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;

    private SqliteIdempotencyStore(SqliteDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    /// <summary>Opens (creating file and schema if needed) the store in <paramref name="dataDirectory"/>.</summary>
    /// <param name="time">Clock of the recorded times; the system clock when null.</param>
    public static SqliteIdempotencyStore Open(string dataDirectory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        string root = Path.GetFullPath(dataDirectory);
        System.IO.Directory.CreateDirectory(root);
        return new SqliteIdempotencyStore(SqliteDatabase.Open(Path.Combine(root, FileName), [IdempotencySchema.V1, IdempotencySchema.V2]), time ?? TimeProvider.System);
    }

    public Task<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        if (!MessageIds.IsValid(key)) throw new ArgumentException($"'{key}' is not a message id.", nameof(key));
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        long now = StoredTime.ToTicks(_time.GetUtcNow());
        return _db.WriteAsync(c =>
        {
            bool recorded = c.Execute("INSERT INTO idempotency_keys (key, fingerprint, recorded_at) VALUES (@k, @f, @at) ON CONFLICT (key) DO NOTHING",
                ("@k", key), ("@f", fingerprint), ("@at", now)) > 0;
            return new IdempotencyClaim((string)c.Scalar("SELECT fingerprint FROM idempotency_keys WHERE key = @k", ("@k", key))!, recorded);
        }, cancellationToken);
    }

    /// <summary>Rows deleted per write of <see cref="ForgetClaimedBeforeAsync"/>.</summary>
    internal const int ForgetBatchSize = 1000;

    /// <summary>Deletes through the index by time (migration 2), <see cref="ForgetBatchSize"/> rows per unsynced write.</summary>
    public async Task<int> ForgetClaimedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        long cutoff = StoredTime.ToTicks(before);
        int forgotten = 0;
        while (true)
        {
            int deleted = await _db.WriteUnsyncedAsync(c => c.Execute("""
                DELETE FROM idempotency_keys WHERE key IN (
                    SELECT key FROM idempotency_keys INDEXED BY idempotency_keys_by_time WHERE recorded_at < @cutoff LIMIT @n)
                """, ("@cutoff", cutoff), ("@n", ForgetBatchSize)), cancellationToken).ConfigureAwait(false);
            forgotten += deleted;
            if (deleted < ForgetBatchSize) return forgotten;
        }
    }

    /// <summary>Commits pending writes and closes the database.</summary>
    public void Dispose() => _db.Dispose();
}
