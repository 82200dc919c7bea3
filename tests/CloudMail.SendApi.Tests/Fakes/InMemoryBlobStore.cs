using System.Collections.Concurrent;
using System.Security.Cryptography;
using CloudMail.Core.Blobs;

namespace CloudMail.SendApi.Tests.Fakes;

/// <summary>Write-once blob store in memory with the contract's commit semantics; counts commits.</summary>
internal sealed class InMemoryBlobStore : IMessageBlobStore
{
    public ConcurrentDictionary<string, byte[]> Blobs { get; } = new();

    public int Commits;

    /// <summary>Completes when any writer first receives bytes (a streamed body reached storage).</summary>
    public TaskCompletionSource FirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, every operation throws it (storage outage).</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, commits throw it (an outage after the body was written).</summary>
    public Exception? FailCommits { get; set; }

    public IBlobWriter CreateWriter(string blobId)
    {
        if (Failure is not null) throw Failure;
        return new Writer(this, blobId);
    }

    public Task<Stream> OpenReadAsync(string blobId, CancellationToken cancellationToken)
    {
        if (Failure is not null) throw Failure;
        return Blobs.TryGetValue(blobId, out var bytes)
            ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
            : throw new BlobNotFoundException(blobId);
    }

    public Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken) =>
        Failure is not null ? throw Failure : Task.FromResult(Blobs.ContainsKey(blobId));

    public Task DeleteAsync(string blobId, CancellationToken cancellationToken)
    {
        Blobs.TryRemove(blobId, out _);
        return Task.CompletedTask;
    }

    private sealed class Writer(InMemoryBlobStore store, string id) : IBlobWriter
    {
        private readonly MemoryStream _buffer = new();

        public long BytesWritten => _buffer.Length;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            _buffer.Write(data.Span);
            if (data.Length > 0) store.FirstWrite.TrySetResult();
            return ValueTask.CompletedTask;
        }

        public Task<BlobRef> CommitAsync(CancellationToken cancellationToken)
        {
            if (store.FailCommits is not null) throw store.FailCommits;
            byte[] bytes = _buffer.ToArray();
            var existing = store.Blobs.GetOrAdd(id, bytes);
            if (!ReferenceEquals(existing, bytes) && !existing.AsSpan().SequenceEqual(bytes))
                throw new InvalidOperationException($"blob {id} exists with different content");
            Interlocked.Increment(ref store.Commits);
            return Task.FromResult(new BlobRef(id, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
