namespace CloudMail.Protocols.Smtp.Data;

/// <summary>
/// Counts the <c>Received:</c> header fields of a message fed to it piece by piece as it arrives (content after
/// dot-unstuffing), the loop detection RFC 5321 §6.3 describes: a message that has passed through very many hops is in
/// a mail loop. Only field names at the start of a header line count (any case, white space allowed before the colon
/// as RFC 5322 §4.5 obs-syntax does); continuation lines and the body are not looked at; the header ends at the first
/// empty line (CRLF, or a bare LF). Never throws; pieces may split the input anywhere.
/// </summary>
public sealed class ReceivedFieldCounter
{
    private const string Name = "received";

    // The state between pieces: where in a header line the last byte left the scan.
    private enum State : byte { LineStart, CrAtLineStart, InName, AfterName, RestOfLine, BodyReached }

    private State _state = State.LineStart;
    private int _nameMatched;

    /// <summary>Received fields seen so far.</summary>
    public int Count { get; private set; }

    /// <summary>The empty line that ends the header has been seen: nothing more will be counted.</summary>
    public bool HeaderEnded => _state == State.BodyReached;

    /// <summary>Scans the next piece of the message.</summary>
    public void Feed(ReadOnlySpan<byte> piece)
    {
        int i = 0;
        while (i < piece.Length && _state != State.BodyReached)
        {
            byte b = piece[i];
            switch (_state)
            {
                case State.LineStart:
                    if (b == (byte)'\n') _state = State.BodyReached;
                    else if (b == (byte)'\r') _state = State.CrAtLineStart;
                    else if ((b | 0x20) == Name[0]) (_state, _nameMatched) = (State.InName, 1);
                    else _state = State.RestOfLine;
                    break;
                case State.CrAtLineStart:
                    _state = b == (byte)'\n' ? State.BodyReached : State.RestOfLine;
                    break;
                case State.InName:
                    if (b == (byte)'\n') _state = State.LineStart;
                    else if ((b | 0x20) != Name[_nameMatched]) _state = State.RestOfLine;
                    else if (++_nameMatched == Name.Length) _state = State.AfterName;
                    break;
                case State.AfterName:
                    if (b == (byte)':') { Count++; _state = State.RestOfLine; }
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
}
