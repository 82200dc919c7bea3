using System.Text;

namespace CloudMail.Listener.MailFiles;

/// <summary>One result of <see cref="MboxSplitter"/>: a message or a problem with the file.</summary>
public abstract record MboxPart(long LineNumber);

/// <summary>
/// A message of an mbox file: the separator line and the message with CRLF line ends, mboxrd <c>&gt;From </c>
/// quoting undone, and the blank line that precedes the next separator removed.
/// </summary>
/// <param name="LineNumber">Line number (1-based) of the separator line.</param>
/// <param name="FromLine">The separator line (<c>From sender date</c>), at most <see cref="MboxSplitter.MaxFromLineLength"/> characters.</param>
public sealed record MboxMessage(long LineNumber, string FromLine, byte[] Raw) : MboxPart(LineNumber);

/// <summary>Something in the file that is not a message, or a message that was skipped, and why.</summary>
public sealed record MboxProblem(long LineNumber, string Text) : MboxPart(LineNumber);

/// <summary>
/// Splits an mbox file (mboxo and mboxrd, RFC 4155 and the qmail mbox(5) page) into messages, incrementally: bytes in
/// through <see cref="Feed"/>, parts out, <see cref="Complete"/> at the end of the file. Never throws on any input and
/// never holds more than one message (capped by <c>maxMessageBytes</c>) and one line.
/// <list type="bullet">
/// <item>A separator is a line starting with <c>From </c> at the start of the file or after an empty line (RFC 4155
/// §2: writers end each message with an empty line); a <c>From </c> line elsewhere is message text.</item>
/// <item>Lines of a message matching <c>^&gt;+From </c> lose one <c>&gt;</c> (mboxrd unquoting; in an mboxo file, the
/// quoted <c>From </c> lines come back as they were sent, and a line sent as <c>&gt;From </c> loses its <c>&gt;</c>).</item>
/// <item>Lines end in CRLF in the output whatever they ended in (LF or CRLF), as IMAP serves messages (RFC 5322 §2.1).</item>
/// <item>A message whose header has a <c>Content-Length</c> field (mboxcl2, as mutt writes: <c>From </c> lines in the
/// body unquoted) ends after that many bytes of body when an empty line and a separator (or the end of the file) follow
/// them there; otherwise the field is ignored and the body read as above.</item>
/// <item>Skipped with a <see cref="MboxProblem"/>: text before the first separator, an empty message, a message whose
/// first line is not a header field, one larger than the cap, and the last message when the file ends inside a line
/// (a truncated file). The next message is read as usual.</item>
/// </list>
/// </summary>
public sealed partial class MboxSplitter
{
    /// <summary>Largest message kept by default (bytes after CRLF conversion).</summary>
    public const long DefaultMaxMessageBytes = 256L * 1024 * 1024;

    /// <summary>Longest separator line kept in <see cref="MboxMessage.FromLine"/>.</summary>
    public const int MaxFromLineLength = 1000;

    private static ReadOnlySpan<byte> FromPrefix => "From "u8;
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private readonly long _maxMessageBytes;
    private readonly MemoryStream _message = new();
    private byte[] _line = new byte[1024];
    private int _lineLength;
    private bool _lineTooLong;
    private long _lineNumber;
    private bool _previousBlank = true;
    private bool _inMessage;
    private bool _oversize;
    private bool _strayReported;
    private int _pendingBlankLines;
    private long _messageLine;
    private string _fromLine = "";
    private bool _inHeader;
    private long? _contentLength;
    private Counting _counting;
    private long _countRemaining;
    private long _bodyStart;
    private long _bodyStartLine;


    /// <param name="maxMessageBytes">Messages larger than this are skipped with a problem.</param>
    public MboxSplitter(long maxMessageBytes = DefaultMaxMessageBytes)
    {
        _maxMessageBytes = Math.Max(1, maxMessageBytes);
    }

    /// <summary>Lines read so far.</summary>
    public long LinesRead => _lineNumber;

    /// <summary>Takes the next bytes of the file; messages and problems complete so far are added to <paramref name="output"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, List<MboxPart> output)
    {
        while (!chunk.IsEmpty)
        {
            int lf = chunk.IndexOf((byte)'\n');
            if (lf < 0)
            {
                AppendToLine(chunk);
                return;
            }
            if (_lineLength == 0 && !_lineTooLong)
            {
                EndLine(chunk[..lf], output);
            }
            else
            {
                AppendToLine(chunk[..lf]);
                EndLine(_line.AsSpan(0, _lineLength), output);
            }
            _lineLength = 0;
            _lineTooLong = false;
            chunk = chunk[(lf + 1)..];
        }
    }

    /// <summary>The end of the file: the last message (or the problem with it) is added to <paramref name="output"/>.</summary>
    public void Complete(List<MboxPart> output)
    {
        if (_lineLength > 0 || _lineTooLong)
        {
            if (_inMessage)
            {
                output.Add(new MboxProblem(_lineNumber + 1,
                    $"the file ends inside a line: the message of line {_messageLine} is truncated and was not imported"));
                _inMessage = false;
            }
            _lineLength = 0;
            _lineTooLong = false;
        }
        if (_inMessage && _counting == Counting.Body) CountWasWrong([], includeBlank: false, output); // the count runs past the end
        FinishMessage(output);
    }

    private void AppendToLine(ReadOnlySpan<byte> bytes)
    {
        if (_lineTooLong) return;
        if ((long)_lineLength + bytes.Length > _maxMessageBytes)
        {
            _lineTooLong = true; // the message this line belongs to is over the cap anyway
            return;
        }
        if (_lineLength + bytes.Length > _line.Length)
        {
            Array.Resize(ref _line, (int)Math.Min(Array.MaxLength, Math.Max(_line.Length * 2L, _lineLength + (long)bytes.Length)));
        }
        bytes.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += bytes.Length;
    }

    private void EndLine(ReadOnlySpan<byte> line, List<MboxPart> output)
    {
        _lineNumber++;
        bool tooLong = _lineTooLong;
        long rawLength = line.Length + 1L;
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        if (_inMessage && _counting != Counting.Off && Counted(line, rawLength, tooLong, output)) return;
        if (!tooLong && _previousBlank && line.StartsWith(FromPrefix))
        {
            FinishMessage(output);
            StartMessage(line);
            return;
        }
        _previousBlank = line.IsEmpty && !tooLong;
        if (!_inMessage)
        {
            if (!_previousBlank && !_strayReported)
            {
                output.Add(new MboxProblem(_lineNumber, "text that is not preceded by a \"From \" separator line is not part of a message; skipped up to the next separator"));
                _strayReported = true;
            }
            return;
        }
        if (tooLong) _oversize = true;
        if (_inHeader) ReadHeaderLine(line);
        if (_oversize) return;
        if (line.IsEmpty && _counting == Counting.Body)
        {
            WritePendingBlankLines(_pendingBlankLines + 1); // the empty line after the header starts the counted body
            _pendingBlankLines = 0;
            _bodyStart = _message.Length;
            _bodyStartLine = _lineNumber;
            return;
        }
        if (line.IsEmpty)
        {
            _pendingBlankLines++; // written when more text follows; the last one before a separator belongs to the mbox
            return;
        }
        WritePendingBlankLines(_pendingBlankLines);
        _pendingBlankLines = 0;
        if (IsQuotedFrom(line)) line = line[1..];
        if (_message.Length + line.Length + 2 > _maxMessageBytes)
        {
            _oversize = true;
            return;
        }
        _message.Write(line);
        _message.Write(CrLf);
    }

    private void StartMessage(ReadOnlySpan<byte> fromLine)
    {
        _inMessage = true;
        _strayReported = false;
        _previousBlank = false;
        _oversize = false;
        _pendingBlankLines = 0;
        _message.SetLength(0);
        _messageLine = _lineNumber;
        _inHeader = true;
        _contentLength = null;
        _counting = Counting.Off;
        ReadOnlySpan<byte> kept = fromLine.Length > MaxFromLineLength ? fromLine[..MaxFromLineLength] : fromLine;
        _fromLine = System.Text.Encoding.Latin1.GetString(kept);
    }

    private void FinishMessage(List<MboxPart> output)
    {
        if (!_inMessage) return;
        _inMessage = false;
        if (!_oversize && _pendingBlankLines > 1) WritePendingBlankLines(_pendingBlankLines - 1);
        _pendingBlankLines = 0;
        if (_oversize)
        {
            output.Add(new MboxProblem(_messageLine, $"the message is larger than {_maxMessageBytes} bytes; skipped"));
        }
        else if (_message.Length == 0)
        {
            output.Add(new MboxProblem(_messageLine, "empty message; skipped"));
        }
        else if (!StartsWithHeaderField(_message.GetBuffer().AsSpan(0, (int)_message.Length)))
        {
            output.Add(new MboxProblem(_messageLine + 1, "the message does not begin with a header field (name: value); skipped"));
        }
        else
        {
            output.Add(new MboxMessage(_messageLine, _fromLine, _message.ToArray()));
        }
        _message.SetLength(0);
        if (_message.Capacity > 4 * 1024 * 1024) _message.Capacity = 64 * 1024; // one huge message does not pin its buffer
    }

    private void WritePendingBlankLines(int count)
    {
        for (int i = 0; i < count && !_oversize; i++)
        {
            if (_message.Length + 2 > _maxMessageBytes) _oversize = true;
            else _message.Write(CrLf);
        }
    }

    /// <summary><c>^&gt;+From </c>: a body line an mboxrd writer quoted (mbox(5), "mboxrd").</summary>
    internal static bool IsQuotedFrom(ReadOnlySpan<byte> line)
    {
        int quotes = 0;
        while (quotes < line.Length && line[quotes] == (byte)'>') quotes++;
        return quotes > 0 && line[quotes..].StartsWith(FromPrefix);
    }

    /// <summary>True when the first line is a header field: a name of printable characters but ':', then ':' (RFC 5322 §2.2).</summary>
    internal static bool StartsWithHeaderField(ReadOnlySpan<byte> message)
    {
        int i = 0;
        while (i < message.Length && message[i] is > 32 and < 127 and not (byte)':') i++;
        return i > 0 && i < message.Length && message[i] == (byte)':';
    }
}
