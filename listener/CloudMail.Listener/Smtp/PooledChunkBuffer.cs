using System.Buffers;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> over <see cref="ArrayPool{T}.Shared"/>: message content is
/// gathered here and handed to the blob writer in large writes. Nothing is rented before the first write, and the
/// array grows with what it holds (doubling, from <see cref="InitialCapacity"/>), so a small message never holds a
/// buffer the size of the largest write: the array is at most twice the bytes written, or <see cref="InitialCapacity"/>.
/// </summary>
internal sealed class PooledChunkBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>The first array rented; a line of a typical message fits in it.</summary>
    public const int InitialCapacity = 1024;

    private byte[] _array = [];
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Clear() => _written = 0;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        int needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(InitialCapacity, _array.Length * 2)));
        _array.AsSpan(0, _written).CopyTo(bigger);
        if (_array.Length > 0) ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }

    public void Dispose()
    {
        if (_array.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        _written = 0;
    }
}
