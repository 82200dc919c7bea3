using System.Buffers;
using System.Text;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Protocols.Pop3;

/// <summary>
/// Incremental POP3 input reader for one connection: bytes in, <c>Command | NeedMoreData | Reject</c> out.
/// Holds only the "discarding an over-long line" flag between calls, so it never buffers more than the
/// caller's input. Not thread-safe (one per session).
/// </summary>
public sealed class Pop3CommandReader
{
    /// <summary>RFC 2449 §4: a command line is at most 255 octets including the terminating CRLF.</summary>
    public const int MaxCommandLength = 255;

    private readonly Pop3LineReader _lines = new();

    /// <summary>Call after the input stream was replaced (STLS): forgets partial-line state.</summary>
    public void Reset() => _lines.Reset();

    /// <summary>Reads the next command from <paramref name="buffer"/>, slicing off consumed bytes.</summary>
    public Pop3ParseOutcome<Pop3Command> ReadCommand(ref ReadOnlySequence<byte> buffer)
    {
        switch (_lines.Read(ref buffer, MaxCommandLength, out var line))
        {
            case Pop3LineStatus.NeedMoreData:
                return Pop3ParseOutcome<Pop3Command>.NeedMoreData.Instance;
            case Pop3LineStatus.TooLong:
                return new Pop3ParseOutcome<Pop3Command>.Reject(Pop3Replies.LineTooLong);
            default:
                Span<byte> copy = stackalloc byte[MaxCommandLength];
                line.CopyTo(copy);
                return Pop3CommandParser.Parse(copy[..(int)line.Length]);
        }
    }

    /// <summary>
    /// Reads one client response line of a SASL exchange (RFC 5034 §4): base64 text or "*". These lines are
    /// not commands, so the 255-octet command limit does not bound them; <paramref name="maxLength"/> does.
    /// </summary>
    public Pop3ParseOutcome<string> ReadSaslResponse(ref ReadOnlySequence<byte> buffer, int maxLength)
    {
        switch (_lines.Read(ref buffer, maxLength, out var line))
        {
            case Pop3LineStatus.NeedMoreData:
                return Pop3ParseOutcome<string>.NeedMoreData.Instance;
            case Pop3LineStatus.TooLong:
                return new Pop3ParseOutcome<string>.Reject(Pop3Replies.SaslResponseTooLong);
            default:
                byte[] bytes = line.ToArray();
                foreach (byte b in bytes)
                {
                    if (b is < 0x21 or > 0x7E) return new Pop3ParseOutcome<string>.Reject(Pop3Replies.InvalidSaslResponse);
                }
                return new Pop3ParseOutcome<string>.Parsed(Encoding.ASCII.GetString(bytes));
        }
    }
}
