using CloudMail.Core.Blobs;

namespace CloudMail.SendApi;

/// <summary>
/// A write-only <see cref="Stream"/> over an <see cref="IBlobWriter"/>, so MimeKit can serialize straight into
/// the blob store (convention 8: stream, don't buffer). Throws <see cref="MessageTooLargeException"/> as soon as
/// more than <paramref name="maxBytes"/> would be written; the caller then disposes the writer uncommitted.
/// </summary>
internal sealed class BlobWriterStream(IBlobWriter writer, long maxBytes) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => writer.BytesWritten;

    public override long Position
    {
        get => writer.BytesWritten;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (writer.BytesWritten + buffer.Length > maxBytes) throw new MessageTooLargeException(maxBytes);
        await writer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Synchronous writes would block on storage; MimeKit's async API never uses them.</summary>
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>The serialized message exceeded <see cref="SendApiOptions.MaxMessageSize"/>.</summary>
internal sealed class MessageTooLargeException(long maxBytes) : Exception($"The message exceeds {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
