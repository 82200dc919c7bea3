using System.Buffers;
using System.Text;

namespace CloudMail.Protocols.Tests.Smtp;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, the shape a PipeReader hands over after several network reads.</summary>
internal static class Segments
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlySequence<byte> s) => Encoding.UTF8.GetString(s.ToArray());

    public static ReadOnlySequence<byte> Of(params byte[][] parts)
    {
        if (parts.Length == 0) return ReadOnlySequence<byte>.Empty;
        var first = new Segment(parts[0], 0);
        var last = first;
        for (int i = 1; i < parts.Length; i++) last = last.Append(parts[i]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits at <paramref name="at"/> into two segments.</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, int at) => Of(bytes[..at], bytes[at..]);

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> BytePerSegment(byte[] bytes) => Of([.. bytes.Select(b => new[] { b })]);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
