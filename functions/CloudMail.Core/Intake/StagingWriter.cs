using System.Buffers;
using CloudMail.Core.Blobs;

namespace CloudMail.Core.Intake;

/// <summary>
/// The writer of an unauthenticated client's message while it waits for the inbound filter: held in memory while it is
/// at most <see cref="MemoryLimit"/> bytes (the filters then read it from memory and only the filtered copy is ever stored:
/// one durable commit per message instead of two), spilled into a staging blob writer (<see cref="MessageIntake.StagingSuffix"/>)
/// once it grows past that. Nothing of an in-memory message is stored before <see cref="MessageIntake.CommitCheckedAsync"/>
/// accepts it; a crash before then loses only a message no 250 was given for. The memory is rented from the shared array
/// pool (grown by doubling, so a 100 KB message does not leave a trail of large-object-heap arrays behind it) and returned
/// when the message spills or the writer is disposed: <see cref="Held"/> is valid until then only.
/// </summary>
public sealed class StagingWriter(Func<IBlobWriter> spill) : IBlobWriter
{
    /// <summary>Largest message kept in memory (bytes); a larger one is staged as a blob.</summary>
    public const int MemoryLimit = 256 * 1024;

    /// <summary>The first array rented: a short message fits in it without growing.</summary>
    private const int InitialCapacity = 8 * 1024;

    private byte[] _memory = [];
    private int _length;
    private bool _inMemory = true;
    private IBlobWriter? _spilled;

    /// <summary>The whole message while it is held in memory (valid until it spills or this writer is disposed); null once spilled.</summary>
    public ArraySegment<byte>? Held => _inMemory ? new ArraySegment<byte>(_memory, 0, _length) : (ArraySegment<byte>?)null;

    public long BytesWritten => _spilled?.BytesWritten ?? _length;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_inMemory && (long)_length + data.Length <= MemoryLimit)
        {
            Ensure(_length + data.Length);
            data.Span.CopyTo(_memory.AsSpan(_length));
            _length += data.Length;
            return;
        }
        await SpillAsync(cancellationToken).ConfigureAwait(false);
        await _spilled!.WriteAsync(data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits the staging blob (spilling the memory into it first).</summary>
    public async Task<BlobRef> CommitAsync(CancellationToken cancellationToken)
    {
        await SpillAsync(cancellationToken).ConfigureAwait(false);
        return await _spilled!.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _inMemory = false;
        ReturnMemory();
        if (_spilled is { } spilled) await spilled.DisposeAsync().ConfigureAwait(false);
    }

    private void Ensure(int needed)
    {
        if (needed <= _memory.Length) return;
        int size = Math.Max(InitialCapacity, _memory.Length);
        while (size < needed) size *= 2;
        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(size, MemoryLimit));
        _memory.AsSpan(0, _length).CopyTo(bigger);
        ReturnMemory();
        _memory = bigger;
    }

    private void ReturnMemory()
    {
        if (_memory.Length > 0) ArrayPool<byte>.Shared.Return(_memory);
        _memory = [];
    }

    private async Task SpillAsync(CancellationToken cancellationToken)
    {
        if (!_inMemory) return;
        _spilled = spill();
        _inMemory = false;
        try
        {
            if (_length > 0) await _spilled.WriteAsync(_memory.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ReturnMemory();
        }
    }
}
