using System.Buffers;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// A read-only, seekable stream over a small blob's bytes held in an array rented from the shared pool, returned to the
/// pool when the stream is disposed (so a 100 KB message read for delivery or FETCH leaves no large-object-heap array
/// behind). The array is never exposed (no <c>GetBuffer</c>/<c>TryGetBuffer</c>), and every read after disposal throws
/// <see cref="ObjectDisposedException"/> as a disposed <see cref="MemoryStream"/> does, so no reader can see the array
/// once another owner has rented it.
/// </summary>
internal sealed class PooledBlobStream : Stream
{
    private byte[]? _buffer;
    private readonly int _length;
    private int _position;

    /// <param name="buffer">Rented from <see cref="ArrayPool{T}.Shared"/>; owned by the stream from now on.</param>
    /// <param name="length">How many of its first bytes are the blob.</param>
    public PooledBlobStream(byte[] buffer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        _buffer = buffer;
        _length = length;
    }

    public override bool CanRead => _buffer is not null;

    public override bool CanSeek => _buffer is not null;

    public override bool CanWrite => false;

    public override long Length => Bytes().Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ObjectDisposedException.ThrowIf(_buffer is null, this);
            _position = (int)Math.Min(value, int.MaxValue);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        ReadOnlySpan<byte> bytes = Bytes();
        if (_position >= bytes.Length) return 0;
        int n = Math.Min(destination.Length, bytes.Length - _position);
        bytes.Slice(_position, n).CopyTo(destination);
        _position += n;
        return n;
    }

    public override int ReadByte() => _position < Bytes().Length ? _buffer![_position++] : -1;

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<int>(cancellationToken) : Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new ValueTask<int>(Read(destination.Span));

    public override void CopyTo(Stream destination, int bufferSize)
    {
        ReadOnlySpan<byte> rest = Bytes()[Math.Min(_position, _length)..];
        _position = _length;
        destination.Write(rest);
    }

    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        int start = Math.Min(_position, Bytes().Length);
        _position = _length;
        await destination.WriteAsync(_buffer.AsMemory(start, _length - start), cancellationToken).ConfigureAwait(false);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Bytes().Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0) throw new IOException("An attempt was made to move the position before the beginning of the stream.");
        Position = target;
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        base.Dispose(disposing);
    }

    private ReadOnlySpan<byte> Bytes()
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        return _buffer.AsSpan(0, _length);
    }
}
