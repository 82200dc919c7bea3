using System.Buffers;

namespace CloudMail.Protocols.Smtp.Data;

/// <summary>
/// Reads exactly the announced number of octets of one BDAT chunk (RFC 3030 §2). The chunk is binary and
/// taken verbatim: no dot-stuffing, no end marker, so there is nothing to smuggle. Pass a null writer to
/// consume and drop a chunk that is refused (it must still be read, or its bytes would be taken as commands).
/// </summary>
public sealed class BdatChunkReader(long size)
{
    /// <summary>Octets of the chunk not yet read.</summary>
    public long Remaining { get; private set; } = size;

    public bool IsComplete => Remaining == 0;

    /// <summary>Takes up to <see cref="Remaining"/> octets from the start of <paramref name="input"/>. Returns true when the chunk is complete.</summary>
    public bool Read(ref ReadOnlySequence<byte> input, IBufferWriter<byte>? output)
    {
        long take = Math.Min(Remaining, input.Length);
        var chunk = input.Slice(0, take);
        if (output is not null)
        {
            foreach (var segment in chunk) output.Write(segment.Span);
        }
        input = input.Slice(take);
        Remaining -= take;
        return Remaining == 0;
    }
}
