using CloudMail.Core.Blobs;

namespace CloudMail.Core.Intake;

/// <summary>
/// The writer of an unauthenticated client's message while it waits for the inbound filter: held in memory while it is
/// at most <see cref="MemoryLimit"/> bytes (the filters then read it from memory and only the filtered copy is ever stored:
/// one durable commit per message instead of two), spilled into a staging blob writer (<see cref="MessageIntake.StagingSuffix"/>)
/// once it grows past that. Nothing of an in-memory message is stored before <see cref="MessageIntake.CommitCheckedAsync"/>
/// accepts it; a crash before then loses only a message no 250 was given for.
/// </summary>
public sealed class StagingWriter(Func<IBlobWriter> spill) : IBlobWriter
{
    /// <summary>Largest message kept in memory (bytes); a larger one is staged as a blob.</summary>
    public const int MemoryLimit = 256 * 1024;

    private MemoryStream? _memory = new();
    private IBlobWriter? _spilled;

    /// <summary>The whole message while it is held in memory; null once spilled into a staging blob.</summary>
    public ArraySegment<byte>? Held => _memory is { } m ? new ArraySegment<byte>(m.GetBuffer(), 0, (int)m.Length) : (ArraySegment<byte>?)null;

    public long BytesWritten => _spilled?.BytesWritten ?? _memory!.Length;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_memory is { } memory && memory.Length + data.Length <= MemoryLimit)
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
        _memory = null;
        if (_spilled is { } spilled) await spilled.DisposeAsync().ConfigureAwait(false);
    }

    private async Task SpillAsync(CancellationToken cancellationToken)
    {
        if (_memory is not { } memory) return;
        _spilled = spill();
        _memory = null;
        if (memory.Length > 0) await _spilled.WriteAsync(memory.GetBuffer().AsMemory(0, (int)memory.Length), cancellationToken).ConfigureAwait(false);
    }
}
