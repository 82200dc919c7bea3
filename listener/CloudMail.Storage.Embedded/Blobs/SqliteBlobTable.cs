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
    /// fails the task with <see cref="InvalidOperationException"/> (write-once).
    /// </summary>
    public Task<BlobRef> InsertAsync(BlobRef blob, byte[] data, CancellationToken cancellationToken) =>
        db.WriteAsync(c =>
        {
            int inserted = c.Execute("""
                INSERT INTO blobs (id, size, sha256, data) VALUES (@id, @size, @sha, @data) ON CONFLICT (id) DO NOTHING
                """, ("@id", blob.Id), ("@size", blob.Size), ("@sha", blob.Sha256), ("@data", data));
            if (inserted == 0 && Describe(c, blob.Id) != blob) throw SqliteBlobTable.Conflict(blob.Id);
            return blob;
        }, cancellationToken);

    /// <summary>Size and hash of a stored row, or null.</summary>
    public Task<BlobRef?> FindAsync(string blobId, CancellationToken cancellationToken) =>
        db.ReadAsync(c => Describe(c, blobId), cancellationToken);

    /// <summary>The stored bytes, or null when there is no row.</summary>
    public Task<byte[]?> ReadAsync(string blobId, CancellationToken cancellationToken) =>
        db.ReadAsync(c => c.QueryFirstOrDefault("SELECT data FROM blobs WHERE id = @id", r => (byte[])r.GetValue(0), ("@id", blobId)),
            cancellationToken);

    public Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken) =>
        db.ReadAsync(c => c.ScalarInt64("SELECT EXISTS (SELECT 1 FROM blobs WHERE id = @id)", ("@id", blobId)) != 0, cancellationToken);

    /// <summary>Deletes the row, durably when the task completes; no error when there is none.</summary>
    public Task DeleteAsync(string blobId, CancellationToken cancellationToken) =>
        db.WriteAsync(c => c.Execute("DELETE FROM blobs WHERE id = @id", ("@id", blobId)), cancellationToken);

    public static InvalidOperationException Conflict(string blobId) =>
        new($"Message blob '{blobId}' already exists with different content (blobs are write-once).");

    private static BlobRef? Describe(Microsoft.Data.Sqlite.SqliteConnection c, string blobId) =>
        c.QueryFirstOrDefault("SELECT size, sha256 FROM blobs WHERE id = @id",
            r => new BlobRef(blobId, r.GetInt64(0), r.GetString(1)), ("@id", blobId));
}
