using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace CloudMail.Protocols.Smtp.Parsing;

/// <summary>
/// The incremental command parser a session uses: bytes in, <c>Command | NeedMoreData | Reject(reply)</c>
/// out. Holds only the over-long-line state and one scratch buffer of <see cref="SmtpLineReader.MaxLineLength"/>
/// octets, so memory per session is fixed whatever the client sends.
/// </summary>
public sealed class SmtpCommandReader(int maxLineLength)
{
    private readonly SmtpLineReader _lines = new(maxLineLength);
    private byte[]? _scratch;

    public int MaxLineLength => _lines.MaxLineLength;

    /// <summary>Parses the next command at the start of <paramref name="buffer"/> and slices off what it consumed.</summary>
    public SmtpParseResult Read(ref ReadOnlySequence<byte> buffer)
    {
        switch (_lines.TryReadLine(ref buffer, out var line))
        {
            case SmtpLineStatus.NeedMoreData:
                return SmtpParseResult.NeedMoreData;
            case SmtpLineStatus.TooLong:
                return SmtpReplies.LineTooLong;
            default:
                return SmtpCommandParser.Parse(Contiguous(line));
        }
    }

    /// <summary>
    /// Reads one raw text line (a SASL response, RFC 4954 §4). <paramref name="text"/> is null when the
    /// line is not printable UTF-8. Same cap and same over-long handling as commands.
    /// </summary>
    public SmtpLineStatus ReadText(ref ReadOnlySequence<byte> buffer, out string? text)
    {
        text = null;
        var status = _lines.TryReadLine(ref buffer, out var line);
        if (status != SmtpLineStatus.Line) return status;
        var bytes = Contiguous(line);
        foreach (byte b in bytes)
        {
            if (b is < 0x20 or 0x7f) return status;
        }
        if (Utf8.IsValid(bytes)) text = Encoding.UTF8.GetString(bytes);
        return status;
    }

    private ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment) return line.FirstSpan;
        _scratch ??= new byte[MaxLineLength];
        line.CopyTo(_scratch);
        return _scratch.AsSpan(0, (int)line.Length);
    }
}
