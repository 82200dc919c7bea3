using CloudMail.Core.Blobs;
using CloudMail.Core.Intake;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// The embedded <see cref="IMessageBlobStore"/>: messages up to a threshold are rows of
/// <see cref="SqliteBlobTable"/> (group-committed with the queue), larger ones files of
/// <see cref="FileMessageBlobStore"/>; see <see cref="BufferedBlobWriter"/>. Reads, existence checks and deletes
/// look in both places (the tables first), so the threshold may change between runs. Readers always get a seekable
/// stream: the bytes of a row in an array of their own, or for a longer row in an array rented from the pool until the
/// stream is disposed (<see cref="SqliteBlobTable.OpenReadAsync"/>), or the file. Rows of staging blobs (<see cref="MessageIntake.StagingSuffix"/>) are
/// committed without an fsync of their own: no client was told they are stored, and the commit that acknowledges the
/// message (synced) syncs them too. File I/O errors of opening, checking and deleting are thrown as
/// <see cref="Core.Failures.TransientStorageException"/> (<see cref="EmbeddedFailures"/>), like the table's. Small blobs
/// appended over IMAP live in a second table, <paramref name="indexTable"/> in the mailbox index's database, committed
/// with the index rows that list them (<see cref="Mailboxes.SqliteMailboxIndex.AppendAllWithBlobsAsync"/>); reads,
/// existence checks and deletes look there after <paramref name="table"/>; reads look first in the table where the
/// last reads found their rows (<see cref="BlobTableOrder"/>). Rows of up to <see cref="CachedBlobBytes"/>
/// that a mail client reads (<see cref="OpenReadForClientAsync"/>) are kept in <paramref name="cache"/>, and every read
/// is served from there until the blob is deleted or crowded out.
/// </summary>
internal sealed class TieredMessageBlobStore(FileMessageBlobStore files, SqliteBlobTable table, SqliteBlobTable indexTable, int threshold,
    RecentBlobCache cache) : IMessageBlobStore
{
    /// <summary>
    /// Largest blob kept in the cache: most messages without attachments, and below the size at which .NET allocates an
    /// array on the large-object heap (85,000 bytes), so that a kept copy costs no gen-2 collection.
    /// </summary>
    public const int CachedBlobBytes = 64 * 1024;

    private readonly BlobTableOrder _order = new();

    public IBlobWriter CreateWriter(string blobId)
    {
        BlobPaths.Validate(blobId);
        // A staging blob (MessageIntake.StagingSuffix) is never acknowledged to a client: its row needs no fsync of its own.
        bool staging = blobId.EndsWith(MessageIntake.StagingSuffix, StringComparison.Ordinal);
        return threshold == 0 ? files.CreateWriter(blobId) : new BufferedBlobWriter(blobId, threshold, files.Paths, table, synced: !staging, indexTable);
    }

    /// <summary>
    /// Throws <see cref="BlobNotFoundException"/> when the id is in no place. Served from the cache when a client's read
    /// left the bytes there; keeps nothing itself (the pipeline reads each message once or twice, and keeping those
    /// copies would only churn the cache and the garbage collector).
    /// </summary>
    public Task<Stream> OpenReadAsync(string blobId, CancellationToken cancellationToken) => ReadAsync(blobId, keep: false, cancellationToken);

    /// <summary>As <see cref="OpenReadAsync"/>, and a row of up to <see cref="CachedBlobBytes"/> read is kept (not a staging blob).</summary>
    public Task<Stream> OpenReadForClientAsync(string blobId, CancellationToken cancellationToken) => ReadAsync(blobId, keep: true, cancellationToken);

    private async Task<Stream> ReadAsync(string blobId, bool keep, CancellationToken cancellationToken)
    {
        BlobPaths.Validate(blobId);
        if (cache.TryGet(blobId, out byte[] kept)) return new MemoryStream(kept, writable: false);
        long version = cache.Version;
        int keepUpTo = keep && !blobId.EndsWith(MessageIntake.StagingSuffix, StringComparison.Ordinal) ? CachedBlobBytes : -1;
        foreach (var (from, inIndexTable) in InReadOrder())
        {
            if (await from.OpenReadAsync(blobId, cancellationToken, keepUpTo).ConfigureAwait(false) is not { } row) continue;
            _order.Found(inIndexTable);
            return Kept(blobId, row, version);
        }
        return await EmbeddedFailures.TranslateAsync(() => files.OpenReadAsync(blobId, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The two tables in the order a read asks them (<see cref="BlobTableOrder"/>), each with whether it is the mail database's.</summary>
    private (SqliteBlobTable Table, bool IsIndexTable)[] InReadOrder() =>
        _order.IndexTableFirst ? [(indexTable, true), (table, false)] : [(table, false), (indexTable, true)];

    /// <summary>
    /// A row's stream, its array put in the cache when the table let the caller keep it (a visible buffer); the stream
    /// returned then hides the array, which may now be shared.
    /// </summary>
    private Stream Kept(string blobId, Stream row, long version)
    {
        if (row is not MemoryStream own || !own.TryGetBuffer(out ArraySegment<byte> bytes)) return row;
        cache.TryAdd(blobId, bytes.Array!, version);
        return new MemoryStream(bytes.Array!, writable: false);
    }

    /// <summary>
    /// The rows among <paramref name="blobIds"/> are read in one transaction per database (those the cache holds, none);
    /// an id repeated, a staging blob's and a file's are opened on their own. Unlike <see cref="OpenReadForClientAsync"/>,
    /// nothing read is kept in the cache: these are a message list's (a header fetch over a mailbox), which would crowd
    /// out the messages clients read again.
    /// </summary>
    public IReadOnlyList<Task<Stream>> OpenManyForClient(IReadOnlyList<string> blobIds, CancellationToken cancellationToken)
    {
        var batch = OpenBatchAsync(blobIds, cancellationToken);
        var opens = new Task<Stream>[blobIds.Count];
        for (int i = 0; i < opens.Length; i++) opens[i] = TakeAsync(batch, i);
        return opens;

        static async Task<Stream> TakeAsync(Task<Task<Stream>[]> batch, int index) =>
            await (await batch.ConfigureAwait(false))[index].ConfigureAwait(false);
    }

    private async Task<Task<Stream>[]> OpenBatchAsync(IReadOnlyList<string> blobIds, CancellationToken cancellationToken)
    {
        var opens = new Task<Stream>?[blobIds.Count];
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal); // id → the index its row is read for
        for (int i = 0; i < blobIds.Count; i++)
        {
            string id = blobIds[i];
            if (!BlobPaths.IsValid(id)) opens[i] = ReadAsync(id, keep: false, cancellationToken); // fails as a single read does
            else if (cache.TryGet(id, out byte[] kept)) opens[i] = Task.FromResult<Stream>(new MemoryStream(kept, writable: false));
            else if (!id.EndsWith(MessageIntake.StagingSuffix, StringComparison.Ordinal)) wanted.TryAdd(id, i);
        }
        try
        {
            foreach (var (from, inIndexTable) in InReadOrder())
            {
                var missing = wanted.Where(w => opens[w.Value] is null).Select(w => w.Key).ToList();
                if (missing.Count == 0) break;
                foreach (var (id, row) in await from.OpenManyAsync(missing, cancellationToken).ConfigureAwait(false))
                {
                    opens[wanted[id]] = Task.FromResult(row);
                    _order.Found(inIndexTable);
                }
            }
        }
        catch
        {
            foreach (var open in opens)
                if (open is { IsCompletedSuccessfully: true }) await open.Result.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        for (int i = 0; i < opens.Length; i++)
        {
            if (opens[i] is not null) continue;
            // Not a row: a file, or missing (BlobNotFoundException); an id repeated or a staging blob is read on its own.
            string id = blobIds[i];
            opens[i] = wanted.TryGetValue(id, out int first) && first == i
                ? EmbeddedFailures.TranslateAsync(() => files.OpenReadAsync(id, cancellationToken))
                : ReadAsync(id, keep: false, cancellationToken);
        }
        return opens!;
    }

    /// <summary>Bytes the cache holds now (diagnostics and tests).</summary>
    internal long CachedBytes => cache.Bytes;

    public async Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken)
    {
        BlobPaths.Validate(blobId);
        return await table.ExistsAsync(blobId, cancellationToken).ConfigureAwait(false)
            || await indexTable.ExistsAsync(blobId, cancellationToken).ConfigureAwait(false)
            || await EmbeddedFailures.TranslateAsync(() => files.ExistsAsync(blobId, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the rows (durably) and the file; no error when none exists. The cached copy goes after the rows: a read
    /// between the two may still be served from it, none after.
    /// </summary>
    public async Task DeleteAsync(string blobId, CancellationToken cancellationToken)
    {
        BlobPaths.Validate(blobId);
        try
        {
            // Most blobs are rows of one table only (received mail: the queue's; IMAP appends: the index's): a read first
            // spares the other database a synced write.
            if (await table.ExistsAsync(blobId, cancellationToken).ConfigureAwait(false))
                await table.DeleteAsync(blobId, cancellationToken).ConfigureAwait(false);
            if (await indexTable.ExistsAsync(blobId, cancellationToken).ConfigureAwait(false))
                await indexTable.DeleteAsync(blobId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            cache.Remove(blobId);
        }
        await EmbeddedFailures.TranslateAsync(() => files.DeleteAsync(blobId, cancellationToken)).ConfigureAwait(false);
    }
}
