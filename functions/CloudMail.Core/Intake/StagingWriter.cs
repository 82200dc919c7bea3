using System.Buffers;
using CloudMail.Core.Blobs;

namespace CloudMail.Core.Intake;

/// <summary>
/// The writer of an unauthenticated client's message while it waits for the inbound filter: held in memory while it is
/// at most <see cref="MemoryLimit"/> bytes (the filters then read it from memory and only the filtered copy is ever stored:
/// one durable commit per message instead of two), spilled into a staging blob writer (<see cref="MessageIntake.StagingSuffix"/>)
/// once it grows past that. Nothing of an in-memory message is stored before <see cref="MessageIntake.CommitCheckedAsync"/>
/// accepts it; a crash before then loses only a message no 250 was given for. The memory is a
/// <see cref="PooledBufferWriter"/> (rented from the shared pool, grown by doubling, so a 100 KB message leaves no trail of
/// large-object-heap arrays), returned when the message spills or the writer is disposed: <see cref="Held"/> is valid
/// until then only.
/// </summary>
public sealed class StagingWriter(Func<IBlobWriter> spill) : IBlobWriter
{
    /// <summary>Largest message kept in memory (bytes); a larger one is staged as a blob.</summary>
    public const int MemoryLimit = 256 * 1024;

    /// <summary>The first array rented: a short message fits in it without growing.</summary>
    private const int InitialCapacity = 8 * 1024;

    private PooledBufferWriter? _memory = new(InitialCapacity);
    private IBlobWriter? _spilled;

    /// <summary>The whole message while it is held in memory (valid until it spills or this writer is disposed); null once spilled.</summary>
    public ArraySegment<byte>? Held => _memory?.WrittenSegment;

    public long BytesWritten => _spilled?.BytesWritten ?? _memory!.WrittenCount;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_memory is { } memory && (long)memory.WrittenCount + data.Length <= MemoryLimit)
        {
            memory.Write(data.Span);
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
        _memory?.Dispose();
        _memory = null;
        if (_spilled is { } spilled) await spilled.DisposeAsync().ConfigureAwait(false);
    }

    private async Task SpillAsync(CancellationToken cancellationToken)
    {
        if (_memory is not { } memory) return;
        _spilled = spill();
        _memory = null;
        using (memory)
        {
            if (memory.WrittenCount > 0) await _spilled.WriteAsync(memory.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
    }
}
