using System.Buffers;

namespace CloudMail.Core.Blobs;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> over <see cref="ArrayPool{T}.Shared"/>: SMTP message content gathered for
/// the blob writer's large writes, a connection's output until its flush, a port-25 message held for the inbound filter
/// (<see cref="Intake.StagingWriter"/>). Nothing is rented before the first write, and
/// the array grows with what it holds (doubling, from <paramref name="initialCapacity"/>), so a small message never holds
/// a buffer the size of the largest write: the array is at most twice the bytes written, or the initial capacity.
/// <see cref="Dispose"/> returns the array; nothing is zeroed (only written bytes are ever read). Not thread-safe.
/// </summary>
public sealed class PooledBufferWriter(int initialCapacity = PooledBufferWriter.DefaultInitialCapacity) : IBufferWriter<byte>, IDisposable
{
    /// <summary>The first array rented by default; a line of a typical message fits in it.</summary>
    public const int DefaultInitialCapacity = 1024;

    private byte[] _array = [];
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    /// <summary>The written bytes as a segment of the rented array, valid until the next write or <see cref="Dispose"/>.</summary>
    public ArraySegment<byte> WrittenSegment => new(_array, 0, _written);

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
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(initialCapacity, _array.Length * 2)));
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
