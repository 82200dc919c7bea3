namespace CloudMail.Core.Delivery;

/// <summary>
/// A read-only stream of <paramref name="prefix"/> followed by <paramref name="rest"/> (which it disposes): the stored
/// message with its DKIM-Signature field in front, streamed rather than copied (convention 8).
/// </summary>
public sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
{
    private int _prefixRead;
    private long _restRead;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    /// <summary>The total length, when the stored stream knows its own (else <see cref="NotSupportedException"/>).</summary>
    public override long Length => rest.CanSeek ? prefix.Length + rest.Length : throw new NotSupportedException();

    public override long Position
    {
        get => _prefixRead + _restRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefixRead < prefix.Length) return TakePrefix(buffer);
        int n = rest.Read(buffer);
        _restRead += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefixRead < prefix.Length) return TakePrefix(buffer.Span);
        int n = await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _restRead += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int TakePrefix(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, prefix.Length - _prefixRead);
        prefix.AsSpan(_prefixRead, n).CopyTo(buffer);
        _prefixRead += n;
        return n;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) rest.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await rest.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
