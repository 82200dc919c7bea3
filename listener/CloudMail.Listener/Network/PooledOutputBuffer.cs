using System.Buffers;

namespace CloudMail.Listener.Network;

/// <summary>
/// Output being composed for one flush, in an array rented from <see cref="ArrayPool{T}.Shared"/>: growing rents a larger
/// array and copies what was written; <see cref="Dispose"/> returns the array, so a session between flushes holds no
/// buffer and a busy server allocates none per response. Nothing is zeroed (only written bytes are ever read).
/// Not thread-safe; unusable after <see cref="Dispose"/>.
/// </summary>
internal sealed class PooledOutputBuffer(int initialSize) : IBufferWriter<byte>, IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _array.Length - _written) throw new InvalidOperationException("Advanced past the end of the buffer.");
        _written += count;
    }

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
        int needed = Math.Max(sizeHint, 1);
        if (_array.Length - _written >= needed) return;
        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_written + needed, _array.Length * 2));
        _array.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
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
