using System.Buffers;

namespace CloudMail.Protocols.Pop3;

/// <summary>Result of <see cref="Pop3LineReader.Read"/>.</summary>
public enum Pop3LineStatus
{
    /// <summary>A complete line was consumed; its content (without CRLF) is in the out parameter.</summary>
    Line,

    /// <summary>No complete line yet.</summary>
    NeedMoreData,

    /// <summary>A line longer than the limit ended and was discarded in full.</summary>
    TooLong,
}

/// <summary>
/// Incremental, capped line splitter for client input. Lines end with CRLF (RFC 1939 §3); a bare LF is
/// accepted too (deliberate leniency: some clients and scripts send it, and POP3 has no data phase in
/// which that could be abused). A line longer than the limit is never buffered: its bytes are dropped as
/// they arrive and one <see cref="Pop3LineStatus.TooLong"/> is reported when its LF finally comes, so the
/// client gets exactly one reply per line it sent and memory stays bounded.
/// </summary>
public sealed class Pop3LineReader
{
    private bool _discarding;

    /// <summary>Forgets a partly discarded line (after the input is replaced, e.g. by a TLS upgrade).</summary>
    public void Reset() => _discarding = false;

    /// <summary>
    /// Reads one line from the start of <paramref name="buffer"/> and slices off what was consumed.
    /// <paramref name="maxLength"/> counts the terminating CRLF, as RFC 2449 §4 does.
    /// </summary>
    public Pop3LineStatus Read(ref ReadOnlySequence<byte> buffer, int maxLength, out ReadOnlySequence<byte> line)
    {
        line = default;
        if (_discarding)
        {
            var end = buffer.PositionOf((byte)'\n');
            if (end is null)
            {
                buffer = buffer.Slice(buffer.End);
                return Pop3LineStatus.NeedMoreData;
            }
            buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
            _discarding = false;
            return Pop3LineStatus.TooLong;
        }

        var window = buffer.Length > maxLength ? buffer.Slice(0, maxLength) : buffer;
        var lf = window.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (buffer.Length < maxLength) return Pop3LineStatus.NeedMoreData;
            _discarding = true; // the line cannot fit any more: drop it up to its LF
            return Read(ref buffer, maxLength, out line);
        }

        line = buffer.Slice(0, lf.Value);
        if (line.Length > 0 && EndsWithCr(line)) line = line.Slice(0, line.Length - 1);
        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        return Pop3LineStatus.Line;
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
