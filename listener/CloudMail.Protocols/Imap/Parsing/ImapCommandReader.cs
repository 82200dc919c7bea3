using System.Buffers;

namespace CloudMail.Protocols.Imap.Parsing;

/// <summary>
/// Incremental, capped reader of IMAP commands (RFC 3501 §2.2, §4.3, §7.5; RFC 7888). Feed it whatever bytes
/// arrived; it consumes what it can and reports <see cref="ImapNeedMoreData"/>, <see cref="ImapContinuationNeeded"/>
/// (a synchronizing literal: send "+"), <see cref="ImapAppendLiteralStarting"/> (the session streams the APPEND
/// message), <see cref="ImapCommandReady"/> or <see cref="ImapRejected"/>. Any split of the input gives the same
/// results. Memory is bounded by <see cref="ImapReaderLimits.MaxCommandLength"/>: longer lines and literals are
/// skipped without being stored. One reader per connection; not thread-safe.
/// </summary>
public sealed class ImapCommandReader(ImapReaderLimits limits)
{
    private enum Phase
    {
        Line,
        Literal,
        StreamedLiteral,
        DiscardLine,
        DiscardLiteral,
    }

    private const int MaxMarkerLength = 24;

    private readonly List<ImapFramePart> _parts = [];
    private readonly byte[] _tail = new byte[MaxMarkerLength];
    private Phase _phase = Phase.Line;
    private byte[] _line = new byte[256];
    private int _lineLength;
    private byte[] _literal = [];
    private int _literalFilled;
    private long _total;
    private long _remaining;
    private int _tailLength;
    private ImapRejected? _pendingReject;
    private string? _tag;

    /// <summary>UTF8=ACCEPT is enabled (RFC 6855): commands are parsed with UTF-8 mailbox names and APPEND's UTF8 data.</summary>
    public bool Utf8Accept { get; set; }

    /// <summary>True between commands: nothing of a next command has been consumed.</summary>
    public bool IsBetweenCommands => _phase == Phase.Line && _parts.Count == 0 && _lineLength == 0;

    /// <summary>
    /// Consumes bytes from the front of <paramref name="input"/> (it is sliced past what was used) and reports
    /// what the session must do next. Never throws for client input.
    /// </summary>
    public ImapReadResult Read(ref ReadOnlySequence<byte> input)
    {
        while (true)
        {
            ImapReadResult? result = _phase switch
            {
                Phase.Line => ReadLine(ref input),
                Phase.Literal => ReadLiteral(ref input),
                Phase.DiscardLine => DiscardLine(ref input),
                Phase.DiscardLiteral => DiscardLiteral(ref input),
                _ => throw new InvalidOperationException("The APPEND literal must be streamed or rejected first."),
            };
            if (result is not null) return result;
        }
    }

    /// <summary>
    /// After <see cref="ImapAppendLiteralStarting"/>: the session has consumed exactly that many bytes of input
    /// into storage. Reading continues with the rest of the command line.
    /// </summary>
    public void LiteralStreamed(long size)
    {
        if (_phase != Phase.StreamedLiteral) throw new InvalidOperationException("No APPEND literal is pending.");
        _parts.Add(ImapFramePart.Streamed(size));
        _phase = Phase.Line;
    }

    /// <summary>
    /// After <see cref="ImapAppendLiteralStarting"/>: the session refused the literal and already replied.
    /// A synchronizing literal was never sent (RFC 3501 §7.5: the client gives up the command); a
    /// non-synchronizing one is read and dropped along with the rest of the command, silently.
    /// </summary>
    public void RejectLiteral(long size, bool synchronizing)
    {
        if (_phase != Phase.StreamedLiteral) throw new InvalidOperationException("No APPEND literal is pending.");
        if (synchronizing)
        {
            Reset();
            return;
        }
        StartDiscard(size, reject: null);
    }

    private ImapReadResult? ReadLine(ref ReadOnlySequence<byte> input)
    {
        if (input.IsEmpty) return ImapNeedMoreData.Instance;
        var lf = input.PositionOf((byte)'\n');
        var chunk = lf is null ? input : input.Slice(0, lf.Value);
        if (_total + _lineLength + chunk.Length > limits.MaxCommandLength)
        {
            // Remember the start of the line for the tag, then skip the rest without storing it.
            CaptureTag(chunk);
            _pendingReject = new ImapRejected(_tag, ImapStatus.Bad, ImapResponseCodes.TooBig, "Command line too long");
            _tailLength = 0;
            _phase = Phase.DiscardLine;
            return null;
        }
        Append(chunk);
        if (lf is null)
        {
            input = input.Slice(input.End);
            return ImapNeedMoreData.Instance;
        }
        input = input.Slice(input.GetPosition(1, lf.Value));

        // RFC 3501 §2.2: lines end with CRLF. Deliberate leniency: a bare LF ends a line too.
        int length = _lineLength > 0 && _line[_lineLength - 1] == '\r' ? _lineLength - 1 : _lineLength;
        byte[] text = _line[..length];
        _lineLength = 0;
        if (_parts.Count == 0)
        {
            if (text.Length == 0) return null; // an empty line between commands is ignored and costs nothing
            _tag = ImapCommandParser.TagOf(text);
        }
        _total += text.Length + 2;
        _parts.Add(ImapFramePart.Line(text));

        if (!TryLiteralMarker(text, out long size, out bool synchronizing))
        {
            var parsed = ImapCommandParser.Parse(_parts, Utf8Accept);
            Reset();
            return parsed;
        }
        return StartLiteral(size, synchronizing);
    }

    private ImapReadResult? StartLiteral(long size, bool synchronizing)
    {
        var append = ImapCommandParser.MatchAppendMessageLiteral(_parts, size, synchronizing, Utf8Accept);
        if (append is not null)
        {
            if (size > limits.MaxLiteralSize)
                return RefuseLiteral(size, synchronizing, new ImapRejected(_tag, ImapStatus.No, ImapResponseCodes.TooBig, "Message too large"));
            _phase = Phase.StreamedLiteral;
            return append;
        }
        if (_total + size > limits.MaxCommandLength)
            return RefuseLiteral(size, synchronizing, new ImapRejected(_tag, ImapStatus.Bad, ImapResponseCodes.TooBig, "Literal too large"));
        _literal = new byte[size];
        _literalFilled = 0;
        _phase = Phase.Literal;
        return synchronizing ? ImapContinuationNeeded.Instance : null;
    }

    /// <summary>
    /// A literal the server will not take. Synchronizing: reply now, the client will not send it (RFC 3501 §7.5).
    /// Non-synchronizing (RFC 7888 §4): the bytes are coming anyway; skip them and the rest of the command, then
    /// reply. Beyond <see cref="ImapReaderLimits.MaxLiteralSize"/> skipping costs too much: close instead.
    /// </summary>
    private ImapReadResult? RefuseLiteral(long size, bool synchronizing, ImapRejected reject)
    {
        if (synchronizing)
        {
            Reset();
            return reject;
        }
        if (size > limits.MaxLiteralSize)
        {
            Reset();
            return reject with { CloseConnection = true };
        }
        StartDiscard(size, reject);
        return null;
    }

    private void StartDiscard(long literalSize, ImapRejected? reject)
    {
        _pendingReject = reject;
        _remaining = literalSize;
        _tailLength = 0;
        _phase = Phase.DiscardLiteral;
    }

    private ImapReadResult? ReadLiteral(ref ReadOnlySequence<byte> input)
    {
        if (input.IsEmpty) return ImapNeedMoreData.Instance;
        int take = (int)Math.Min(_literal.Length - _literalFilled, input.Length);
        input.Slice(0, take).CopyTo(_literal.AsSpan(_literalFilled));
        input = input.Slice(take);
        _literalFilled += take;
        if (_literalFilled < _literal.Length) return ImapNeedMoreData.Instance;
        _parts.Add(ImapFramePart.Literal(_literal));
        _total += _literal.Length;
        _literal = [];
        _phase = Phase.Line;
        return null;
    }

    private ImapReadResult? DiscardLine(ref ReadOnlySequence<byte> input)
    {
        if (input.IsEmpty) return ImapNeedMoreData.Instance;
        var lf = input.PositionOf((byte)'\n');
        var chunk = lf is null ? input : input.Slice(0, lf.Value);
        KeepTail(chunk);
        if (lf is null)
        {
            input = input.Slice(input.End);
            return ImapNeedMoreData.Instance;
        }
        input = input.Slice(input.GetPosition(1, lf.Value));
        int length = _tailLength > 0 && _tail[_tailLength - 1] == '\r' ? _tailLength - 1 : _tailLength;
        // A non-synchronizing literal continues the command; a synchronizing one ends it here, since the
        // client waits for a "+" that will not come and takes the tagged reply as the end of the command.
        var reject = _pendingReject;
        if (TryLiteralMarker(_tail.AsSpan(0, length), out long size, out bool synchronizing) && !synchronizing)
        {
            if (size > limits.MaxLiteralSize)
            {
                Reset();
                return (reject ?? new ImapRejected(null, ImapStatus.Bad, ImapResponseCodes.TooBig, "Literal too large")) with { CloseConnection = true };
            }
            _remaining = size;
            _tailLength = 0;
            _phase = Phase.DiscardLiteral;
            return null;
        }
        Reset();
        return reject;
    }

    private ImapReadResult? DiscardLiteral(ref ReadOnlySequence<byte> input)
    {
        if (_remaining > 0)
        {
            if (input.IsEmpty) return ImapNeedMoreData.Instance;
            long take = Math.Min(_remaining, input.Length);
            input = input.Slice(take);
            _remaining -= take;
            if (_remaining > 0) return ImapNeedMoreData.Instance;
        }
        _tailLength = 0;
        _phase = Phase.DiscardLine;
        return null;
    }

    /// <summary>literal marker at the end of a line: "{" number ["+"] "}" (RFC 3501 §9, RFC 7888 §3).</summary>
    private static bool TryLiteralMarker(ReadOnlySpan<byte> line, out long size, out bool synchronizing)
    {
        size = 0;
        synchronizing = true;
        if (line.Length < 3 || line[^1] != '}') return false;
        int open = line.LastIndexOf((byte)'{');
        if (open < 0) return false;
        var inner = line[(open + 1)..^1];
        if (inner.Length > 0 && inner[^1] == '+')
        {
            synchronizing = false;
            inner = inner[..^1];
        }
        if (inner.Length is 0 or > 12) return false;
        foreach (byte b in inner)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            size = size * 10 + (b - '0');
        }
        return true;
    }

    private void Append(ReadOnlySequence<byte> chunk)
    {
        int needed = _lineLength + (int)chunk.Length;
        if (needed > _line.Length) Array.Resize(ref _line, Math.Max(needed, _line.Length * 2));
        chunk.CopyTo(_line.AsSpan(_lineLength));
        _lineLength = needed;
    }

    private void CaptureTag(ReadOnlySequence<byte> chunk)
    {
        if (_parts.Count > 0 || _tag is not null) return;
        int room = Math.Max(0, 80 - _lineLength);
        Append(chunk.Slice(0, Math.Min(room, chunk.Length)));
        _tag = ImapCommandParser.TagOf(_line.AsSpan(0, _lineLength));
    }

    private void KeepTail(ReadOnlySequence<byte> chunk)
    {
        if (chunk.Length >= MaxMarkerLength)
        {
            chunk.Slice(chunk.Length - MaxMarkerLength).CopyTo(_tail);
            _tailLength = MaxMarkerLength;
            return;
        }
        int n = (int)chunk.Length;
        int keep = Math.Min(_tailLength, MaxMarkerLength - n);
        _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
        chunk.CopyTo(_tail.AsSpan(keep));
        _tailLength = keep + n;
    }

    private void Reset()
    {
        _parts.Clear();
        _phase = Phase.Line;
        _lineLength = 0;
        _literal = [];
        _literalFilled = 0;
        _total = 0;
        _remaining = 0;
        _tailLength = 0;
        _pendingReject = null;
        _tag = null;
        if (_line.Length > 4096) _line = new byte[256];
    }
}
