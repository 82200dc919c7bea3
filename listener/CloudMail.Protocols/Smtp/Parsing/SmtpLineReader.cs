using System.Buffers;

namespace CloudMail.Protocols.Smtp.Parsing;

/// <summary>What <see cref="SmtpLineReader.TryReadLine"/> found.</summary>
public enum SmtpLineStatus
{
    /// <summary>A complete line (terminator removed).</summary>
    Line,

    /// <summary>No line terminator yet (bytes of an over-long line may have been consumed and dropped).</summary>
    NeedMoreData,

    /// <summary>A line longer than the limit ended; its bytes were discarded.</summary>
    TooLong,
}

/// <summary>
/// Splits command lines out of the input, incrementally and with a hard cap. A line ends at LF; a CR right
/// before it is part of the terminator. Deliberate leniency: command lines ending in a bare LF are accepted
/// (as Postfix's default "normalize" does); this cannot enable smuggling, because message content is never
/// read by this class (see <see cref="Data.SmtpDataReader"/>). A line longer than the limit (terminator
/// included) is consumed and dropped as it arrives, never buffered, and reported once as
/// <see cref="SmtpLineStatus.TooLong"/> when its terminator arrives (RFC 5321 §4.5.3.1.4).
/// </summary>
public sealed class SmtpLineReader
{
    /// <summary>RFC 5321 §4.5.3.1.4: a command line of 512 octets (CRLF included) must always be accepted.</summary>
    public const int MinLineLength = 512;

    private bool _discarding;

    /// <param name="maxLineLength">Longest line any call may accept, CRLF included (the size of the largest line a caller buffers); at least <see cref="MinLineLength"/>.</param>
    public SmtpLineReader(int maxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, MinLineLength);
        MaxLineLength = maxLineLength;
    }

    public int MaxLineLength { get; }

    /// <summary>
    /// Takes the next line from the start of <paramref name="buffer"/> and slices it off. With
    /// <see cref="SmtpLineStatus.NeedMoreData"/>, <paramref name="buffer"/> keeps the partial line (or is
    /// emptied when an over-long line is being dropped); the caller must keep the rest and read more.
    /// <paramref name="limit"/> (clamped to <see cref="MinLineLength"/>..<see cref="MaxLineLength"/>) may
    /// differ per line, but must depend only on the line's first octets, so that the outcome is the same
    /// wherever the input is split.
    /// </summary>
    public SmtpLineStatus TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line, int limit)
    {
        limit = Math.Clamp(limit, MinLineLength, MaxLineLength);
        line = default;
        var lf = buffer.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (_discarding || buffer.Length >= limit)
            {
                _discarding = true;
                buffer = buffer.Slice(buffer.End);
            }
            return SmtpLineStatus.NeedMoreData;
        }
        var withTerminator = buffer.Slice(0, buffer.GetPosition(1, lf.Value));
        buffer = buffer.Slice(withTerminator.End);
        if (_discarding || withTerminator.Length > limit)
        {
            _discarding = false;
            return SmtpLineStatus.TooLong;
        }
        long length = withTerminator.Length - 1;
        if (length > 0 && EndsWithCr(withTerminator.Slice(0, length))) length--;
        line = withTerminator.Slice(0, length);
        return SmtpLineStatus.Line;
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> s)
    {
        byte last = 0;
        foreach (var segment in s)
        {
            if (!segment.IsEmpty) last = segment.Span[^1];
        }
        return last == (byte)'\r';
    }
}
