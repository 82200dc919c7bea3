using CloudMail.Core.Blobs;
using CloudMail.Storage.Embedded.Sqlite;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// Small message blobs as rows (<see cref="BlobTableSchema"/>). Inserts go through the database's group-committing
/// writer (<c>synchronous=FULL</c>): a completed <see cref="InsertAsync"/> means the row is in the fsynced WAL.
/// </summary>
internal sealed class SqliteBlobTable(SqliteDatabase db)
{
    /// <summary>
    /// Stores <paramref name="data"/> under <paramref name="blob"/>'s id, durably when the task completes. A row
    /// with the same id and the same size and hash is left as is (a repeated commit); one with other content
    /// fails the task with <see cref="InvalidOperationException"/> (write-once). Not <paramref name="synced"/>: durable
    /// against a process crash only (<see cref="SqliteDatabase.WriteUnsyncedAsync"/>), for blobs no client was told are
    /// stored (the accept path's staging blobs). <paramref name="data"/> must stay valid until the task completes (a pooled
    /// buffer may be returned after that).
    /// </summary>
    public Task<BlobRef> InsertAsync(BlobRef blob, ReadOnlyMemory<byte> data, CancellationToken cancellationToken, bool synced = true) =>
        synced ? db.WriteAsync(c => Insert(c, blob, data), cancellationToken) : db.WriteUnsyncedAsync(c => Insert(c, blob, data), cancellationToken);

    /// <summary>True when the rows live in <paramref name="database"/> (so a write there can insert one in its own transaction).</summary>
    public bool Uses(SqliteDatabase database) => ReferenceEquals(db, database);

    /// <summary>Content at least this long is written into the row through SQLite's incremental blob I/O, not bound as a parameter.</summary>
    public const int StreamedInsertBytes = 32 * 1024;

    /// <summary>The insert of a row small enough to bind as a parameter, inside the caller's transaction.</summary>
    private static BlobRef Insert(Microsoft.Data.Sqlite.SqliteConnection c, BlobRef blob, byte[] data)
    {
        int inserted = c.Execute("""
            INSERT INTO blobs (id, size, sha256, data) VALUES (@id, @size, @sha, @data) ON CONFLICT (id) DO NOTHING
            """, ("@id", blob.Id), ("@size", blob.Size), ("@sha", blob.Sha256), ("@data", data));
        if (inserted == 0 && Describe(c, blob.Id) != blob) throw Conflict(blob.Id);
        return blob;
    }

    /// <summary>
    /// The insert of <see cref="InsertAsync"/>, inside the caller's transaction, from a buffer the caller keeps valid until
    /// the transaction ends (a pooled one). Microsoft.Data.Sqlite binds only whole arrays, so a large message would
    /// need a copy of its own (a large-object-heap array per message, collected by gen-2 GCs); from
    /// <see cref="StreamedInsertBytes"/> on, the row is inserted with a <c>zeroblob</c> of the size and the content written
    /// into it through <see cref="Microsoft.Data.Sqlite.SqliteBlob"/>, in the same transaction (the pages reach the WAL once,
    /// at commit).
    /// </summary>
    public static BlobRef Insert(Microsoft.Data.Sqlite.SqliteConnection c, BlobRef blob, ReadOnlyMemory<byte> data)
    {
        if (data.Length < StreamedInsertBytes) return Insert(c, blob, data.ToArray());
        int inserted = c.Execute("""
            INSERT INTO blobs (id, size, sha256, data) VALUES (@id, @size, @sha, zeroblob(@length)) ON CONFLICT (id) DO NOTHING
            """, ("@id", blob.Id), ("@size", blob.Size), ("@sha", blob.Sha256), ("@length", data.Length));
        if (inserted == 0)
        {
            if (Describe(c, blob.Id) != blob) throw Conflict(blob.Id);
            return blob;
        }
        long rowid = c.ScalarInt64("SELECT last_insert_rowid()");
        using var row = new Microsoft.Data.Sqlite.SqliteBlob(c, "blobs", "data", rowid);
        if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out ArraySegment<byte> array)) row.Write(array.Array!, array.Offset, array.Count);
        else row.Write(data.Span);
        return blob;
    }

    /// <summary>Deletes the row of <paramref name="blobId"/> inside the caller's transaction; true when there was one.</summary>
    public static bool Delete(Microsoft.Data.Sqlite.SqliteConnection c, string blobId) =>
        c.Execute("DELETE FROM blobs WHERE id = @id", ("@id", blobId)) == 1;

    /// <summary>Size and hash of a stored row, or null.</summary>
    public Task<BlobRef?> FindAsync(string blobId, CancellationToken cancellationToken) =>
        db.ReadAsync(c => Describe(c, blobId), cancellationToken);

    /// <summary>
    /// Rows up to this many bytes are read with their query, into an array of exactly their length (below the
    /// large-object heap's 85,000 bytes); longer ones straight from their pages into an array rented from the pool.
    /// </summary>
    public const int CopiedUpTo = 64 * 1024;

    /// <summary>
    /// The stored bytes as a stream, or null when there is no row. A row of up to <see cref="CopiedUpTo"/> or
    /// <paramref name="ownArrayUpTo"/> bytes (whichever is more) comes as a read-only <see cref="MemoryStream"/> over an
    /// array of exactly its length, its buffer visible when the row is no longer than <paramref name="ownArrayUpTo"/> (so
    /// that the caller may keep the array: <see cref="RecentBlobCache"/>); a longer row is read from its pages through
    /// <see cref="Microsoft.Data.Sqlite.SqliteBlob"/> into an array rented from the shared pool, returned when the stream is
    /// disposed (<see cref="PooledBlobStream"/>): no array of the message's size is allocated. (A blob column read through
    /// the data reader would be: it copies every blob it hands out, and looks up the column's origin for each call.)
    /// </summary>
    public Task<Stream?> OpenReadAsync(string blobId, CancellationToken cancellationToken, int ownArrayUpTo = -1) =>
        db.ReadAsync(c => Open(c, blobId, ownArrayUpTo), cancellationToken);

    /// <summary>
    /// <see cref="OpenReadAsync"/> for each of the distinct <paramref name="blobIds"/>, in one read transaction: the
    /// streams of the rows found, by id (an id without a row is left out). When reading fails, the streams already opened
    /// are disposed.
    /// </summary>
    public Task<Dictionary<string, Stream>> OpenManyAsync(IReadOnlyCollection<string> blobIds, CancellationToken cancellationToken, int ownArrayUpTo = -1) =>
        db.ReadAsync(c => OpenMany(c, blobIds, ownArrayUpTo), cancellationToken);

    private sealed record StoredRow(long RowId, long Length, byte[]? Bytes);

    // length() of a blob column reads no overflow page; the data only when it is copied with the row.
    private const string RowColumns = "rowid, length(data), CASE WHEN length(data) <= @copied THEN data END";
    private const string OpenOneSql = "SELECT " + RowColumns + " FROM blobs WHERE id = @id";
    private const string OpenManySql = "SELECT id, " + RowColumns + " FROM blobs WHERE id IN (SELECT value FROM json_each(@ids))";

    private static StoredRow ReadRow(Microsoft.Data.Sqlite.SqliteDataReader r, int first) =>
        new(r.GetInt64(first), r.GetInt64(first + 1), r.IsDBNull(first + 2) ? null : r.GetFieldValue<byte[]>(first + 2));

    private static Stream? Open(Microsoft.Data.Sqlite.SqliteConnection c, string blobId, int ownArrayUpTo)
    {
        var row = c.QueryFirstOrDefault(OpenOneSql, r => ReadRow(r, 0),
            ("@id", blobId), ("@copied", Math.Max(ownArrayUpTo, CopiedUpTo)));
        return row is null ? null : StreamOf(c, row, ownArrayUpTo);
    }

    private static Dictionary<string, Stream> OpenMany(Microsoft.Data.Sqlite.SqliteConnection c, IReadOnlyCollection<string> blobIds, int ownArrayUpTo)
    {
        var rows = c.Query(OpenManySql,
            r => (Id: r.GetString(0), Row: ReadRow(r, 1)),
            ("@ids", Sql.JsonArray(blobIds)), ("@copied", Math.Max(ownArrayUpTo, CopiedUpTo)));
        var opened = new Dictionary<string, Stream>(rows.Count, StringComparer.Ordinal);
        try
        {
            foreach (var (id, row) in rows) opened[id] = StreamOf(c, row, ownArrayUpTo);
            return opened;
        }
        catch
        {
            foreach (var stream in opened.Values) stream.Dispose();
            throw;
        }
    }

    private static Stream StreamOf(Microsoft.Data.Sqlite.SqliteConnection c, StoredRow row, int ownArrayUpTo)
    {
        if (row.Bytes is { } bytes)
        {
            if (bytes.Length != row.Length) throw new InvalidOperationException($"Blob row read {bytes.Length} of {row.Length} bytes.");
            return new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: bytes.Length <= ownArrayUpTo);
        }
        return ReadPooled(c, row.RowId, checked((int)row.Length));
    }

    private static PooledBlobStream ReadPooled(Microsoft.Data.Sqlite.SqliteConnection c, long rowId, int length)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            using (var blob = new Microsoft.Data.Sqlite.SqliteBlob(c, "blobs", "data", rowId, readOnly: true))
            {
                if (blob.Length != length) throw new InvalidOperationException($"Blob row holds {blob.Length} bytes, {length} listed.");
                blob.ReadExactly(buffer, 0, length);
            }
            return new PooledBlobStream(buffer, length);
        }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken) =>
        db.ReadAsync(c => c.ScalarInt64("SELECT EXISTS (SELECT 1 FROM blobs WHERE id = @id)", ("@id", blobId)) != 0, cancellationToken);

    /// <summary>Deletes the row, durably when the task completes; no error when there is none.</summary>
    public Task DeleteAsync(string blobId, CancellationToken cancellationToken) =>
        db.WriteAsync(c => Delete(c, blobId), cancellationToken);

    public static InvalidOperationException Conflict(string blobId) =>
        new($"Message blob '{blobId}' already exists with different content (blobs are write-once).");

    private static BlobRef? Describe(Microsoft.Data.Sqlite.SqliteConnection c, string blobId) =>
        c.QueryFirstOrDefault("SELECT size, sha256 FROM blobs WHERE id = @id",
            r => new BlobRef(blobId, r.GetInt64(0), r.GetString(1)), ("@id", blobId));
}
