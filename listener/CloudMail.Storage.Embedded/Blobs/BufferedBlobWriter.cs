using System.Buffers;
using System.Security.Cryptography;
using CloudMail.Core.Blobs;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// Writes one message: in memory (a pooled buffer) while it is at most the small-blob threshold, committed as
/// a row of <see cref="SqliteBlobTable"/> (group commit: one WAL fsync shared with concurrent sessions);
/// beyond the threshold it spills to a <see cref="FileBlobWriter"/> (temp file, fsync, rename, fsync of the
/// folder). Write-once holds across both places: a small commit fails when a file of the id exists with other
/// content, a large one when a row does. Disposing before commit discards the bytes (and the temp file).
/// The buffer grows with the message (at most twice the bytes it holds, pool rounding), so a 4 KiB message holds no
/// 16 or 64 KiB array. A small blob may instead be committed together with its queue job (<see cref="TryPrepare"/>,
/// <see cref="Queue.SqliteMailQueue.EnqueueWithBlobAsync"/>). A writer made with <paramref name="synced"/> false (a staging
/// blob, never acknowledged to a client) commits its row without waiting for an fsync. A small blob may also be committed
/// together with mailbox index rows into <paramref name="indexTable"/>, the blob table of the mailbox index's database
/// (<see cref="Mailboxes.SqliteMailboxIndex.AppendAllWithBlobsAsync"/>). Not thread-safe (one SMTP DATA or IMAP literal stream).
/// </summary>
internal sealed class BufferedBlobWriter(string blobId, int threshold, BlobPaths paths, SqliteBlobTable table, bool synced = true,
    SqliteBlobTable? indexTable = null) : IBlobWriter
{
    /// <summary>The smallest array rented; the buffer then grows with the message (doubling), never past the threshold.</summary>
    private const int InitialBuffer = 1024;

    private byte[]? _buffer;
    private int _length;
    private FileBlobWriter? _spill;
    private BlobRef? _committed;
    private BlobRef? _prepared;
    private bool _disposed;

    public long BytesWritten => _spill?.BytesWritten ?? _length;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (_prepared is not null) throw new InvalidOperationException($"Message blob '{blobId}' is prepared for commit: its content is complete.");
        if (_spill is null && (long)_length + data.Length <= threshold)
        {
            Append(data.Span);
            return;
        }
        if (_spill is null)
        {
            // Crossing the threshold: from now on a file, starting with what was buffered.
            _spill = FileBlobWriter.Create(paths, blobId);
            if (_length > 0) await _spill.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
            ReturnBuffer();
        }
        await _spill.WriteAsync(data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Small: the row is committed (durable) when this returns; may be called again after a failure. Large: as
    /// <see cref="FileBlobWriter.CommitAsync"/>. Throws <see cref="InvalidOperationException"/> when the id
    /// already holds other content (in either place).
    /// </summary>
    public async Task<BlobRef> CommitAsync(CancellationToken cancellationToken)
    {
        if (_committed is not null) return _committed;
        ObjectDisposedException.ThrowIf(_disposed, this);
        _committed = _spill is null
            ? await CommitSmallAsync(cancellationToken).ConfigureAwait(false)
            : await CommitLargeAsync(_spill, cancellationToken).ConfigureAwait(false);
        ReturnBuffer();
        return _committed;
    }

    /// <summary>
    /// For a joint commit with a queue job or mailbox index rows in <paramref name="database"/>: the blob's claim-check,
    /// when it is still in memory, uncommitted, <paramref name="database"/> holds the writer's blob table or the index's
    /// one, and no file of the id exists (a file needs the write-once comparison of <see cref="CommitAsync"/>); else
    /// null. The content is complete from now on.
    /// </summary>
    public BlobRef? TryPrepare(Sqlite.SqliteDatabase database)
    {
        if (_prepared is not null) return _prepared;
        if (_disposed || _committed is not null || _spill is not null || File.Exists(paths.FinalPath(blobId))) return null;
        if (!table.Uses(database) && indexTable?.Uses(database) != true) return null;
        _prepared = Describe();
        return _prepared;
    }

    /// <summary>The bytes of a prepared blob, valid until the writer is committed or disposed.</summary>
    public ReadOnlyMemory<byte> PreparedContent() => _prepared is null
        ? throw new InvalidOperationException($"Message blob '{blobId}' is not prepared.")
        : _buffer.AsMemory(0, _length);

    /// <summary>
    /// Before a joint commit into the index's table: write-once across both tables. Throws
    /// <see cref="InvalidOperationException"/> when the writer's own table already holds the id with other content.
    /// </summary>
    public async Task CheckNoOtherRowAsync(CancellationToken cancellationToken)
    {
        BlobRef prepared = _prepared ?? throw new InvalidOperationException($"Message blob '{blobId}' is not prepared.");
        if (await table.FindAsync(blobId, cancellationToken).ConfigureAwait(false) is { } row && row != prepared) throw SqliteBlobTable.Conflict(blobId);
    }

    /// <summary>After the joint commit of the prepared blob: the writer is committed (its buffer returned).</summary>
    public void MarkCommitted()
    {
        _committed = _prepared ?? throw new InvalidOperationException($"Message blob '{blobId}' is not prepared.");
        ReturnBuffer();
    }

    private BlobRef Describe() => new(blobId, _length, Convert.ToHexStringLower(SHA256.HashData(_buffer.AsSpan(0, _length))));

    private async Task<BlobRef> CommitSmallAsync(CancellationToken cancellationToken)
    {
        var blob = _prepared ?? Describe();
        string file = paths.FinalPath(blobId);
        if (File.Exists(file))
        {
            // Stored as a file before (e.g. under a smaller threshold): same content is a harmless repeat.
            BlobRef existing = await BlobHashing.DescribeAsync(blobId, file, cancellationToken).ConfigureAwait(false);
            return existing == blob ? blob : throw SqliteBlobTable.Conflict(blobId);
        }
        // The buffer is returned only after this await (CommitAsync), so the write reads it in place.
        return await table.InsertAsync(blob, _buffer.AsMemory(0, _length), cancellationToken, synced).ConfigureAwait(false);
    }

    private async Task<BlobRef> CommitLargeAsync(FileBlobWriter spill, CancellationToken cancellationToken)
    {
        BlobRef? row = await table.FindAsync(blobId, cancellationToken).ConfigureAwait(false);
        if (row is null) return await spill.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (row != spill.Describe()) throw SqliteBlobTable.Conflict(blobId);
        await spill.DisposeAsync().ConfigureAwait(false); // Already stored as a row: drop the temp file.
        return row;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        int needed = _length + data.Length;
        if (_buffer is null || needed > _buffer.Length)
        {
            int size = Math.Min(threshold, Math.Max(needed, Math.Max(InitialBuffer, (_buffer?.Length ?? 0) * 2)));
            byte[] bigger = ArrayPool<byte>.Shared.Rent(size);
            if (_length > 0) _buffer.AsSpan(0, _length).CopyTo(bigger);
            ReturnBuffer();
            _buffer = bigger;
        }
        data.CopyTo(_buffer.AsSpan(_length));
        _length = needed;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed is not null) throw new InvalidOperationException($"Message blob '{blobId}' is already committed.");
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        ReturnBuffer();
        if (_spill is not null) await _spill.DisposeAsync().ConfigureAwait(false);
    }
}
