namespace CloudMail.Protocols.Smtp.Data;

/// <summary>
/// Looks at the header of a message fed to it piece by piece as it arrives (content after dot-unstuffing) for what the
/// SMTP server acts on: the number of <c>Received:</c> fields, the loop detection of RFC 5321 §6.3; whether
/// <c>From:</c>, <c>Date:</c> and <c>Message-ID:</c> are present (RFC 5322 §3.6, RFC 6409 §8.2, §8.3: a submission
/// server adds them when missing) and
/// whether <c>Bcc:</c> or <c>Resent-Bcc:</c> is (a submission server removes them); where the header ends.
/// Only field names at the start of a header line count (any case, white space allowed before the colon as RFC 5322
/// §4.5 obs-syntax does); continuation lines and the body are not looked at; the header ends at the first empty line
/// (CRLF, or a bare LF). Never throws; pieces may split the input anywhere.
/// </summary>
public sealed class HeaderFieldScanner
{
    /// <summary>Longest field name compared; longer names are none of those looked for.</summary>
    private const int MaxName = 10; // "message-id", "resent-bcc"

    // The state between pieces: where in a header line the last byte left the scan.
    private enum State : byte { LineStart, CrAtLineStart, InName, AfterName, RestOfLine, BodyReached }

    private State _state = State.LineStart;
    private readonly char[] _name = new char[MaxName];
    private int _nameLength;

    /// <summary>Received fields seen so far.</summary>
    public int ReceivedCount { get; private set; }

    /// <summary>A Date field was seen.</summary>
    public bool HasDate { get; private set; }

    /// <summary>A Message-ID field was seen.</summary>
    public bool HasMessageId { get; private set; }

    /// <summary>A From field was seen.</summary>
    public bool HasFrom { get; private set; }

    /// <summary>A Bcc or Resent-Bcc field was seen (RFC 5322 §3.6.6: Resent-Bcc is used as Bcc is).</summary>
    public bool HasBcc { get; private set; }

    /// <summary>Octets of the header including its empty line, once <see cref="HeaderEnded"/>; until then 0.</summary>
    public long HeaderLength { get; private set; }

    private long _fed;

    /// <summary>The empty line that ends the header has been seen: nothing more will be counted.</summary>
    public bool HeaderEnded => _state == State.BodyReached;

    /// <summary>Scans the next piece of the message.</summary>
    public void Feed(ReadOnlySpan<byte> piece)
    {
        long before = _fed;
        _fed += piece.Length;
        int i = 0;
        while (i < piece.Length && _state != State.BodyReached)
        {
            byte b = piece[i];
            switch (_state)
            {
                case State.LineStart:
                    if (b == (byte)'\n') EndOfHeader(before + i);
                    else if (b == (byte)'\r') _state = State.CrAtLineStart;
                    else if (b is (byte)' ' or (byte)'\t' or (byte)':') _state = State.RestOfLine; // a continuation, or no name
                    else
                    {
                        _nameLength = 0;
                        _state = State.InName;
                        continue; // the byte is the name's first
                    }
                    break;
                case State.CrAtLineStart:
                    if (b == (byte)'\n') EndOfHeader(before + i);
                    else _state = State.RestOfLine;
                    break;
                case State.InName:
                    if (b == (byte)':') EndOfName();
                    else if (b is (byte)' ' or (byte)'\t') _state = State.AfterName;
                    else if (b == (byte)'\n') _state = State.LineStart;
                    else if (_nameLength == MaxName || b is < 0x21 or > 0x7E) _state = State.RestOfLine; // RFC 5322 §2.2 ftext
                    else _name[_nameLength++] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
                    break;
                case State.AfterName:
                    if (b == (byte)':') EndOfName();
                    else if (b == (byte)'\n') _state = State.LineStart;
                    else if (b is not ((byte)' ' or (byte)'\t')) _state = State.RestOfLine;
                    break;
                case State.RestOfLine:
                    int lf = piece[i..].IndexOf((byte)'\n');
                    if (lf < 0) return;
                    i += lf;
                    _state = State.LineStart;
                    break;
            }
            i++;
        }
    }

    private void EndOfHeader(long lineFeedAt)
    {
        HeaderLength = lineFeedAt + 1;
        _state = State.BodyReached;
    }

    private void EndOfName()
    {
        var name = _name.AsSpan(0, _nameLength);
        if (name.SequenceEqual("received")) ReceivedCount++;
        else if (name.SequenceEqual("date")) HasDate = true;
        else if (name.SequenceEqual("message-id")) HasMessageId = true;
        else if (name.SequenceEqual("bcc") || name.SequenceEqual("resent-bcc")) HasBcc = true;
        else if (name.SequenceEqual("from")) HasFrom = true;
        _state = State.RestOfLine;
    }
}
