using System.Buffers;
using System.Text;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Protocols.Tests.Pop3;

/// <summary>
/// Drives a <see cref="Pop3CommandReader"/> the way the session does: chunks arrive, unconsumed bytes stay
/// buffered (as a multi-segment sequence, like a PipeReader's), and every complete outcome is collected.
/// </summary>
internal sealed class Pop3Feeder
{
    private readonly Pop3CommandReader _reader = new();
    private readonly List<byte[]> _pending = [];

    public List<Pop3ParseOutcome<Pop3Command>> Outcomes { get; } = [];

    public long Buffered => _pending.Sum(p => (long)p.Length);

    public Pop3Feeder Feed(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty) return this;
        _pending.Add(chunk.ToArray());
        while (true)
        {
            var buffer = Sequence();
            long before = buffer.Length;
            var outcome = _reader.ReadCommand(ref buffer);
            Consume(before - buffer.Length);
            if (outcome is Pop3ParseOutcome<Pop3Command>.NeedMoreData) return this;
            Outcomes.Add(outcome);
        }
    }

    public Pop3Feeder Feed(string text) => Feed(Encoding.UTF8.GetBytes(text));

    /// <summary>Parses <paramref name="input"/> in one piece.</summary>
    public static List<Pop3ParseOutcome<Pop3Command>> Whole(byte[] input) => new Pop3Feeder().Feed(input).Outcomes;

    /// <summary>Parses <paramref name="input"/> split in two at <paramref name="at"/>.</summary>
    public static List<Pop3ParseOutcome<Pop3Command>> SplitAt(byte[] input, int at) =>
        new Pop3Feeder().Feed(input.AsSpan(0, at)).Feed(input.AsSpan(at)).Outcomes;

    /// <summary>Parses <paramref name="input"/> one byte at a time.</summary>
    public static List<Pop3ParseOutcome<Pop3Command>> ByteByByte(byte[] input)
    {
        var feeder = new Pop3Feeder();
        for (int i = 0; i < input.Length; i++) feeder.Feed(input.AsSpan(i, 1));
        return feeder.Outcomes;
    }

    private ReadOnlySequence<byte> Sequence()
    {
        if (_pending.Count == 0) return ReadOnlySequence<byte>.Empty;
        if (_pending.Count == 1) return new ReadOnlySequence<byte>(_pending[0]);
        Segment? first = null, last = null;
        foreach (var part in _pending)
        {
            if (first is null) first = last = new Segment(part, 0);
            else last = last!.Append(part);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private void Consume(long count)
    {
        while (count > 0)
        {
            var head = _pending[0];
            if (head.Length <= count)
            {
                _pending.RemoveAt(0);
                count -= head.Length;
            }
            else
            {
                _pending[0] = head[(int)count..];
                count = 0;
            }
        }
    }

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
