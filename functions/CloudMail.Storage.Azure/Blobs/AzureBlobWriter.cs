using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using CloudMail.Core.Blobs;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Blobs;

/// <summary>
/// Streams one message into a block blob. Bytes are hashed (SHA-256) and counted as they arrive and
/// buffered up to one block; each full block is staged (Put Block), which is invisible to readers. Commit
/// either uploads the whole message in one request (when it fits in one block) or commits the staged block
/// list, in both cases with <c>If-None-Match: *</c> and the hash in metadata. When the blob already exists,
/// commit compares hashes: identical content is a harmless repeat, different content throws
/// <see cref="InvalidOperationException"/> (write-once). Block ids carry a per-writer random tag, so two
/// writers of the same id never mix blocks.
/// </summary>
internal sealed partial class AzureBlobWriter : IBlobWriter
{
    /// <summary>Metadata key holding the lower-case hex SHA-256 of the blob's bytes.</summary>
    public const string Sha256Metadata = "sha256";

    /// <summary>Content type of every message blob.</summary>
    public const string ContentType = "message/rfc822";

    private readonly BlockBlobClient _blob;
    private readonly string _blobId;
    private readonly int _blockSize;
    private readonly ILogger _logger;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<string> _blockIds = [];
    private readonly string _writerTag = Guid.NewGuid().ToString("N");
    private byte[]? _buffer;
    private int _buffered;
    private BlobRef? _sealed;
    private BlobRef? _committed;
    private bool _disposed;

    public AzureBlobWriter(BlockBlobClient blob, string blobId, int blockSize, ILogger logger)
    {
        _blob = blob;
        _blobId = blobId;
        _blockSize = blockSize;
        _logger = logger;
    }

    public long BytesWritten { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfDone();
        if (_sealed is not null) throw new InvalidOperationException($"Message blob '{_blobId}' is being committed; no more bytes can be written.");
        _sha256.AppendData(data.Span);
        BytesWritten += data.Length;
        while (!data.IsEmpty)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(_blockSize);
            int take = Math.Min(data.Length, _blockSize - _buffered);
            data[..take].CopyTo(_buffer.AsMemory(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered == _blockSize) await StageBufferAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<BlobRef> CommitAsync(CancellationToken cancellationToken)
    {
        if (_committed is not null) return _committed;
        ThrowIfDone();
        // Sealed once: a commit retried after a transient failure reuses the hash and the staged blocks.
        BlobRef blobRef = _sealed ??= new BlobRef(_blobId, BytesWritten, Convert.ToHexStringLower(_sha256.GetHashAndReset()));
        var metadata = new Dictionary<string, string> { [Sha256Metadata] = blobRef.Sha256 };
        var headers = new BlobHttpHeaders { ContentType = ContentType };
        var writeOnce = new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            if (_blockIds.Count == 0)
            {
                using var content = new MemoryStream(_buffer ?? [], 0, _buffered, writable: false);
                await _blob.UploadAsync(content, new BlobUploadOptions { Conditions = writeOnce, Metadata = metadata, HttpHeaders = headers },
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (_buffered > 0) await StageBufferAsync(cancellationToken).ConfigureAwait(false);
                await _blob.CommitBlockListAsync(_blockIds, new CommitBlockListOptions { Conditions = writeOnce, Metadata = metadata, HttpHeaders = headers },
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 400)
        {
            // 409 BlobAlreadyExists / 412 ConditionNotMet: the id is taken. 400 InvalidBlockList: a concurrent
            // writer of the same id committed first, which discarded our uncommitted blocks.
            await CheckExistingAsync(blobRef, e, cancellationToken).ConfigureAwait(false);
        }
        ReleaseBuffer();
        _committed = blobRef;
        LogCommitted(_logger, _blobId, BytesWritten, _blockIds.Count);
        return blobRef;
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        if (_committed is null && _blockIds.Count > 0) LogDiscarded(_logger, _blobId, _blockIds.Count);
        ReleaseBuffer();
        _sha256.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task StageBufferAsync(CancellationToken cancellationToken)
    {
        string blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{_writerTag}-{_blockIds.Count:D6}"));
        using (var block = new MemoryStream(_buffer!, 0, _buffered, writable: false))
        {
            await _blob.StageBlockAsync(blockId, block, new BlockBlobStageBlockOptions(), cancellationToken).ConfigureAwait(false);
        }
        _blockIds.Add(blockId);
        _buffered = 0;
    }

    /// <summary>Returns when the existing blob has our content; throws otherwise.</summary>
    private async Task CheckExistingAsync(BlobRef ours, RequestFailedException failure, CancellationToken cancellationToken)
    {
        BlobProperties existing;
        try
        {
            existing = (await _blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing is there, so the failure was not about an existing blob.
            throw failure;
        }
        existing.Metadata.TryGetValue(Sha256Metadata, out string? theirs);
        if (existing.ContentLength == ours.Size && string.Equals(theirs, ours.Sha256, StringComparison.Ordinal))
        {
            LogRepeat(_logger, _blobId);
            return;
        }
        throw new InvalidOperationException(
            $"Message blob '{_blobId}' already exists with different content (write-once); size {existing.ContentLength} vs {ours.Size}.", failure);
    }

    private void ThrowIfDone()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed is not null) throw new InvalidOperationException($"Message blob '{_blobId}' is already committed.");
    }

    private void ReleaseBuffer()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _buffered = 0;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Committed message blob {BlobId}: {Size} bytes in {Blocks} staged block(s)")]
    private static partial void LogCommitted(ILogger logger, string blobId, long size, int blocks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message blob {BlobId} already existed with identical content; commit is a repeat")]
    private static partial void LogRepeat(ILogger logger, string blobId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Discarded uncommitted message blob {BlobId} ({Blocks} staged block(s) left for the service to expire)")]
    private static partial void LogDiscarded(ILogger logger, string blobId, int blocks);
}
