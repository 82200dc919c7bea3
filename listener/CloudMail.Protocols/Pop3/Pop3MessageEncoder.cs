using System.Buffers;

namespace CloudMail.Protocols.Pop3;

/// <summary>
/// Turns stored message bytes into the body of a RETR or TOP response, incrementally (feed any chunking;
/// the output is the same): line endings become CRLF (a bare LF gets its CR), lines starting with "." are
/// byte-stuffed (RFC 1939 §3), an unterminated last line gets a CRLF, and <see cref="Complete"/> writes the
/// terminating ".CRLF". Everything else passes byte for byte (8-bit content is never decoded).
/// <para>
/// <see cref="ContentLength"/> counts what the client holds after removing the byte-stuffing: the
/// normalized message. LIST and STAT report exactly that number (RFC 1939 §5 "exact size"), computed by
/// running the encoder without output (<see cref="Measure"/>), so the advertised size always matches RETR.
/// </para>
/// <para>
/// For TOP (RFC 1939 §7) pass <c>bodyLines</c>: the encoder stops after the blank line that ends the
/// header and that many body lines, and sets <see cref="IsFinished"/> so the caller can stop reading.
/// A message without a blank line is all header and is sent whole.
/// </para>
/// </summary>
public sealed class Pop3MessageEncoder
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private readonly int _bodyLineLimit;
    private bool _atLineStart = true;
    private bool _lastWasCr;
    private long _lineLength;
    private bool _inBody;
    private int _bodyLines;

    /// <param name="bodyLines">Body lines to send after the header (TOP); negative for the whole message (RETR).</param>
    public Pop3MessageEncoder(int bodyLines = -1) => _bodyLineLimit = bodyLines;

    /// <summary>Octets of the normalized message written so far, excluding byte-stuffing and the terminator.</summary>
    public long ContentLength { get; private set; }

    /// <summary>True once TOP's line budget is used up; further input is ignored.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Encodes the next chunk. With <paramref name="output"/> null it only counts.</summary>
    public void Write(ReadOnlySpan<byte> input, IBufferWriter<byte>? output)
    {
        while (!input.IsEmpty && !IsFinished)
        {
            if (_atLineStart)
            {
                _atLineStart = false;
                _lastWasCr = false;
                if (input[0] == (byte)'.') output?.Write("."u8); // byte-stuffing, not content
            }

            int lf = input.IndexOf((byte)'\n');
            var run = lf < 0 ? input : input[..lf];
            if (!run.IsEmpty)
            {
                Emit(run, output);
                _lineLength += run.Length;
                _lastWasCr = run[^1] == (byte)'\r';
            }
            if (lf < 0) return;

            if (!_lastWasCr) Emit("\r"u8, output);
            Emit("\n"u8, output);
            bool blank = _lineLength == 0 || (_lineLength == 1 && _lastWasCr);
            EndLine(blank);
            input = input[(lf + 1)..];
        }
    }

    /// <summary>Terminates an unfinished last line with CRLF and writes the ".CRLF" terminator.</summary>
    public void Complete(IBufferWriter<byte>? output)
    {
        if (!_atLineStart && !IsFinished)
        {
            if (_lastWasCr) Emit("\n"u8, output);
            else Emit(Crlf, output);
            _atLineStart = true;
        }
        output?.Write(".\r\n"u8);
    }

    /// <summary>Normalized size of a whole message (what RETR sends, minus byte-stuffing and terminator).</summary>
    public static long Measure(ReadOnlySpan<byte> message)
    {
        var encoder = new Pop3MessageEncoder();
        encoder.Write(message, null);
        encoder.Complete(null);
        return encoder.ContentLength;
    }

    private void EndLine(bool blank)
    {
        _atLineStart = true;
        _lineLength = 0;
        if (_bodyLineLimit < 0) return;
        if (!_inBody)
        {
            if (!blank) return;
            _inBody = true;
        }
        else
        {
            _bodyLines++;
        }
        if (_bodyLines >= _bodyLineLimit) IsFinished = true;
    }

    private void Emit(ReadOnlySpan<byte> bytes, IBufferWriter<byte>? output)
    {
        ContentLength += bytes.Length;
        output?.Write(bytes);
    }
}
