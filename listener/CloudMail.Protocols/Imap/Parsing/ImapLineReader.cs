using System.Buffers;
using System.Text;

namespace CloudMail.Protocols.Imap.Parsing;

/// <summary>Outcome of <see cref="ImapLineReader.Read"/>.</summary>
public enum ImapLineStatus
{
    NeedMoreData,
    Line,

    /// <summary>The line was longer than allowed; it has been consumed and dropped.</summary>
    TooLong,
}

/// <summary>
/// Reads one capped line that is not a command: an AUTHENTICATE client response (RFC 3501 §6.2.2) or the
/// "DONE" that ends IDLE (RFC 2177 §3). Incremental like <see cref="ImapCommandReader"/>; bytes after the
/// line stay in the input.
/// </summary>
public sealed class ImapLineReader(int maxLength)
{
    private readonly List<byte> _buffer = [];
    private bool _discarding;

    public ImapLineStatus Read(ref ReadOnlySequence<byte> input, out string line)
    {
        line = "";
        var lf = input.PositionOf((byte)'\n');
        var chunk = lf is null ? input : input.Slice(0, lf.Value);
        if (!_discarding && _buffer.Count + chunk.Length > maxLength) _discarding = true;
        if (!_discarding)
            foreach (var segment in chunk) _buffer.AddRange(segment.Span);
        if (lf is null)
        {
            input = input.Slice(input.End);
            return ImapLineStatus.NeedMoreData;
        }
        input = input.Slice(input.GetPosition(1, lf.Value));
        if (_discarding)
        {
            _discarding = false;
            _buffer.Clear();
            return ImapLineStatus.TooLong;
        }
        int length = _buffer.Count > 0 && _buffer[^1] == '\r' ? _buffer.Count - 1 : _buffer.Count;
        line = Encoding.UTF8.GetString([.. _buffer.GetRange(0, length)]);
        _buffer.Clear();
        return ImapLineStatus.Line;
    }
}
