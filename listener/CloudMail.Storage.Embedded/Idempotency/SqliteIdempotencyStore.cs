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
        return new SqliteIdempotencyStore(SqliteDatabase.Open(Path.Combine(root, FileName), [IdempotencySchema.V1]), time ?? TimeProvider.System);
    }

    public Task<string> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        if (!MessageIds.IsValid(key)) throw new ArgumentException($"'{key}' is not a message id.", nameof(key));
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        long now = StoredTime.ToTicks(_time.GetUtcNow());
        return _db.WriteAsync(c =>
        {
            c.Execute("INSERT INTO idempotency_keys (key, fingerprint, recorded_at) VALUES (@k, @f, @at) ON CONFLICT (key) DO NOTHING",
                ("@k", key), ("@f", fingerprint), ("@at", now));
            return (string)c.Scalar("SELECT fingerprint FROM idempotency_keys WHERE key = @k", ("@k", key))!;
        }, cancellationToken);
    }

    /// <summary>Commits pending writes and closes the database.</summary>
    public void Dispose() => _db.Dispose();
}
