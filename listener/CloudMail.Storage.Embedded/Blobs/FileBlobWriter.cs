using System.Security.Cryptography;
using CloudMail.Core.Blobs;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// Streams one message into a locked temp file while computing its size and SHA-256. Commit: flush, fsync
/// the file, link it under its final name without overwriting (atomic; fails if the name exists), fsync the
/// shard folder. Disposing before commit deletes the temp file. A volume with no room left fails the create, a write or
/// the commit with <see cref="Core.Failures.StorageFullException"/> (the writer is then spent); other I/O errors surface as
/// they are. Not thread-safe (one SMTP DATA stream).
/// </summary>
internal sealed class FileBlobWriter : IBlobWriter
{
    private const int BufferSize = 64 * 1024;

    private readonly BlobPaths _paths;
    private readonly string _blobId;
    private readonly string _tempPath;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private FileStream? _file;
    private BlobRef? _committed;
    private bool _failed;
    private bool _disposed;

    private FileBlobWriter(BlobPaths paths, string blobId, string tempPath, FileStream file)
    {
        _paths = paths;
        _blobId = blobId;
        _tempPath = tempPath;
        _file = file;
    }

    public static FileBlobWriter Create(BlobPaths paths, string blobId)
    {
        BlobPaths.Validate(blobId);
        string tempPath = paths.NewTempPath(blobId);
        try
        {
            FileStream file = Files.DataFolder.CreateFile(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize);
            return new FileBlobWriter(paths, blobId, tempPath, file);
        }
        catch (IOException e) when (EmbeddedFailures.IsStorageFull(e))
        {
            throw new Core.Failures.StorageFullException(e);
        }
    }

    public long BytesWritten { get; private set; }

    /// <summary>Id, size and hash of what was written so far (before commit), for write-once checks elsewhere.</summary>
    public BlobRef Describe() => new(_blobId, BytesWritten, Convert.ToHexStringLower(_hash.GetCurrentHash()));

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        FileStream file = OpenFile();
        try
        {
            await file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (EmbeddedFailures.IsStorageFull(e))
        {
            _failed = true; // What reached the file is unknown.
            throw new Core.Failures.StorageFullException(e);
        }
        _hash.AppendData(data.Span);
        BytesWritten += data.Length;
    }

    public async Task<BlobRef> CommitAsync(CancellationToken cancellationToken)
    {
        if (_committed is not null) return _committed;
        FileStream file = OpenFile();
        _failed = true; // Until proven otherwise: a half-done commit cannot be resumed.
        try
        {
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        catch (IOException e) when (EmbeddedFailures.IsStorageFull(e))
        {
            throw new Core.Failures.StorageFullException(e);
        }

        var blob = new BlobRef(_blobId, BytesWritten, Convert.ToHexStringLower(_hash.GetHashAndReset()));
        string finalPath = _paths.FinalPath(_blobId);
        string shard = Path.GetDirectoryName(finalPath)!;
        FileSync.EnsureDirectory(shard);

        // Close (and so unlock) before linking: once linked, the final name is the same inode, and a held lock
        // would make readers and a concurrent duplicate commit fail with a sharing violation. The price is a
        // tiny window in which a store starting in another process may take the temp file for crash debris;
        // the move then fails, the commit throws, and the client retries: nothing is ever falsely accepted.
        CloseFile();
        bool linked = TryMoveWithoutOverwrite(finalPath);
        if (!linked)
        {
            BlobRef existing = await BlobHashing.DescribeAsync(_blobId, finalPath, cancellationToken).ConfigureAwait(false);
            if (existing != blob)
            {
                throw new InvalidOperationException(
                    $"Message blob '{_blobId}' already exists with different content (blobs are write-once).");
            }
            File.Delete(_tempPath);
        }
        // Also on the duplicate path: the first writer may not have made the entry durable yet.
        FileSync.FlushDirectory(shard);
        _failed = false;
        _committed = blob;
        return blob;
    }

    private bool TryMoveWithoutOverwrite(string finalPath)
    {
        try
        {
            File.Move(_tempPath, finalPath, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(finalPath))
        {
            return false; // Already committed (by an earlier attempt or a concurrent writer): compare contents.
        }
    }

    private FileStream OpenFile()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed is not null) throw new InvalidOperationException($"Message blob '{_blobId}' is already committed.");
        if (_failed || _file is null) throw new InvalidOperationException($"Writing message blob '{_blobId}' failed earlier; start a new writer.");
        return _file;
    }

    private void CloseFile()
    {
        _file?.Dispose();
        _file = null;
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        try
        {
            CloseFile();
        }
        catch (IOException) when (_committed is null)
        {
            // Closing flushes what is still buffered, which fails on a full volume: the content is being dropped anyway.
        }
        _hash.Dispose();
        if (_committed is null) File.Delete(_tempPath);
        return ValueTask.CompletedTask;
    }
}
