using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace CloudMail.Protocols.Smtp.Parsing;

/// <summary>
/// The incremental command parser a session uses: bytes in, <c>Command | NeedMoreData | Reject(reply)</c>
/// out. Two line limits (CRLF included): <see cref="MaxCommandLineLength"/> for ordinary command lines
/// (RFC 5321 §4.5.3.1.4: 512 octets) and <see cref="MaxAuthLineLength"/> for AUTH command lines and SASL
/// response lines, which carry base64 credentials (RFC 4954 §4: at least 12288 octets). Which limit applies
/// is decided from the line's first octets ("AUTH "), so an ordinary line is dropped as soon as it passes
/// its limit. Holds only the over-long-line state and one scratch buffer, so memory per session is fixed
/// whatever the client sends.
/// </summary>
public sealed class SmtpCommandReader
{
    private static ReadOnlySpan<byte> AuthPrefix => "auth "u8;

    private readonly SmtpLineReader _lines;
    private byte[]? _scratch;

    /// <param name="maxCommandLineLength">Longest ordinary command line; at least 512.</param>
    /// <param name="maxAuthLineLength">Longest AUTH command or SASL response line; at least <paramref name="maxCommandLineLength"/>.</param>
    public SmtpCommandReader(int maxCommandLineLength, int maxAuthLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCommandLineLength, SmtpLineReader.MinLineLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAuthLineLength, maxCommandLineLength);
        MaxCommandLineLength = maxCommandLineLength;
        _lines = new SmtpLineReader(maxAuthLineLength);
    }

    public int MaxCommandLineLength { get; }

    public int MaxAuthLineLength => _lines.MaxLineLength;

    /// <summary>Parses the next command at the start of <paramref name="buffer"/> and slices off what it consumed.</summary>
    public SmtpParseResult Read(ref ReadOnlySequence<byte> buffer)
    {
        int limit = StartsAuthLine(buffer) ? MaxAuthLineLength : MaxCommandLineLength;
        switch (_lines.TryReadLine(ref buffer, out var line, limit))
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
    /// Reads one raw text line (a SASL response, RFC 4954 §4) with the <see cref="MaxAuthLineLength"/> cap.
    /// <paramref name="text"/> is null when the line is not printable UTF-8.
    /// </summary>
    public SmtpLineStatus ReadText(ref ReadOnlySequence<byte> buffer, out string? text)
    {
        text = null;
        var status = _lines.TryReadLine(ref buffer, out var line, MaxAuthLineLength);
        if (status != SmtpLineStatus.Line) return status;
        var bytes = Contiguous(line);
        foreach (byte b in bytes)
        {
            if (b is < 0x20 or 0x7f) return status;
        }
        if (Utf8.IsValid(bytes)) text = Encoding.UTF8.GetString(bytes);
        return status;
    }

    /// <summary>True when the buffered start of the line is "AUTH " or a prefix of it (verbs are case-insensitive, RFC 5321 §2.4).</summary>
    private static bool StartsAuthLine(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[5];
        int n = (int)Math.Min(start.Length, buffer.Length);
        buffer.Slice(0, n).CopyTo(start);
        for (int i = 0; i < n; i++)
        {
            byte b = i < 4 ? (byte)(start[i] | 0x20) : start[i]; // ASCII letters to lower case
            if (b != AuthPrefix[i]) return false;
        }
        return true;
    }

    private ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment) return line.FirstSpan;
        _scratch ??= new byte[MaxAuthLineLength];
        line.CopyTo(_scratch);
        return _scratch.AsSpan(0, (int)line.Length);
    }
}
