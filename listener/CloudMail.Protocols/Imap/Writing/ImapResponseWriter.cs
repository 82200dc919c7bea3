using System.Buffers;
using System.Globalization;
using System.Text;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Writing;

/// <summary>
/// Writes IMAP response syntax (RFC 3501 §4, §7, §9) into a buffer. String values are written as an atom,
/// a quoted string or a literal, whichever is valid for the content: quoted strings carry only printable
/// 7-bit text, anything else (8-bit, CR/LF, long text) becomes a literal.
/// </summary>
public sealed class ImapResponseWriter(IBufferWriter<byte> output)
{
    /// <summary>Longest text written as a quoted string; longer values become literals.</summary>
    public const int MaxQuotedLength = 1024;

    /// <summary>Bytes as they are (atoms, punctuation and already-formatted syntax).</summary>
    public ImapResponseWriter Raw(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        return this;
    }

    /// <summary>7-bit text as it is.</summary>
    public ImapResponseWriter Raw(string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        int n = Encoding.ASCII.GetBytes(ascii, span);
        output.Advance(n);
        return this;
    }

    public ImapResponseWriter Sp() => Raw(" "u8);

    public ImapResponseWriter Open() => Raw("("u8);

    public ImapResponseWriter Close() => Raw(")"u8);

    public ImapResponseWriter Crlf() => Raw("\r\n"u8);

    public ImapResponseWriter Nil() => Raw("NIL"u8);

    /// <summary>Longest decimal form of a 64-bit number (with a sign).</summary>
    private const int MaxNumberLength = 20;

    public ImapResponseWriter Number(long value)
    {
        var span = output.GetSpan(MaxNumberLength);
        value.TryFormat(span, out int n, default, CultureInfo.InvariantCulture);
        output.Advance(n);
        return this;
    }

    public ImapResponseWriter Number(ulong value)
    {
        var span = output.GetSpan(MaxNumberLength);
        value.TryFormat(span, out int n, default, CultureInfo.InvariantCulture);
        output.Advance(n);
        return this;
    }

    /// <summary>A quoted string; the caller guarantees <see cref="IsQuotable"/> (7-bit characters only).</summary>
    public ImapResponseWriter Quoted(string value)
    {
        if (value.AsSpan().IndexOfAny('"', '\\') < 0)
        {
            // Nothing to escape (the usual case): the characters narrowed to bytes in one vectorized pass.
            var plain = output.GetSpan(value.Length + 2);
            plain[0] = (byte)'"';
            int written = Encoding.ASCII.GetBytes(value, plain[1..]);
            plain[written + 1] = (byte)'"';
            output.Advance(written + 2);
            return this;
        }
        // At most every character escaped, plus the two quotes.
        var span = output.GetSpan(value.Length * 2 + 2);
        int n = 0;
        span[n++] = (byte)'"';
        foreach (char c in value)
        {
            if (c is '"' or '\\') span[n++] = (byte)'\\';
            span[n++] = (byte)c;
        }
        span[n++] = (byte)'"';
        output.Advance(n);
        return this;
    }

    /// <summary>A literal: "{" size "}" CRLF and the bytes (RFC 3501 §4.3).</summary>
    public ImapResponseWriter Literal(ReadOnlySpan<byte> bytes) => LiteralHeader(bytes.Length).Raw(bytes);

    /// <summary>Only the "{size}" CRLF of a literal whose bytes the caller writes next.</summary>
    public ImapResponseWriter LiteralHeader(long size) => Raw("{").Number(size).Raw("}\r\n"u8);

    /// <summary>string: quoted when possible, otherwise a literal of the UTF-8 bytes.</summary>
    public ImapResponseWriter String(string value) =>
        IsQuotable(value) ? Quoted(value) : Literal(Encoding.UTF8.GetBytes(value));

    /// <summary>nstring: NIL for null, else <see cref="String"/>.</summary>
    public ImapResponseWriter NString(string? value) => value is null ? Nil() : String(value);

    /// <summary>astring: an atom when the value is one (and is not NIL), otherwise a string.</summary>
    public ImapResponseWriter AString(string value) => IsAstringAtom(value) ? Raw(value) : String(value);

    /// <summary>Mailbox names go out as UTF-8 (RFC 6855 §3: the client enabled UTF8=ACCEPT), not modified UTF-7.</summary>
    public bool Utf8MailboxNames { get; set; }

    /// <summary>A mailbox name, encoded in modified UTF-7 (RFC 3501 §5.1.3) or, with <see cref="Utf8MailboxNames"/>, as UTF-8.</summary>
    public ImapResponseWriter Mailbox(string name) => AString(Utf8MailboxNames ? name : ModifiedUtf7.Encode(name));

    /// <summary>"+ text" CRLF (RFC 3501 §7.5).</summary>
    public ImapResponseWriter Continuation(string text) => Raw("+ "u8).Text(text).Crlf();

    /// <summary>tag SP status SP ["[" code "]" SP] text CRLF (RFC 3501 §7.1).</summary>
    public ImapResponseWriter Tagged(string tag, ImapStatus status, string? code, string text) =>
        Raw(tag).Sp().Status(status, code, text);

    /// <summary>"*" SP status SP ["[" code "]" SP] text CRLF.</summary>
    public ImapResponseWriter Untagged(ImapStatus status, string? code, string text) =>
        Raw("* "u8).Status(status, code, text);

    /// <summary>Tagged when <paramref name="tag"/> is known, untagged ("* BAD ...") otherwise.</summary>
    public ImapResponseWriter Reply(string? tag, ImapStatus status, string? code, string text) =>
        tag is null ? Untagged(status, code, text) : Tagged(tag, status, code, text);

    private ImapResponseWriter Status(ImapStatus status, string? code, string text)
    {
        Raw(status.ToWire()).Sp();
        if (code is not null) Raw("[").Raw(code).Raw("] "u8);
        return Text(text).Crlf();
    }

    /// <summary>resp-text: printable 7-bit only, never CR/LF, never a leading "[" that would look like a code.</summary>
    private ImapResponseWriter Text(string text)
    {
        if (text.Length > 0 && text[0] != '[' && text.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0) return Raw(text);
        var sb = new StringBuilder(text.Length);
        foreach (char c in text) sb.Append(c is >= ' ' and <= '~' ? c : '?');
        if (sb.Length == 0 || sb[0] == '[') sb.Insert(0, sb.Length == 0 ? "OK" : " ");
        return Raw(sb.ToString());
    }

    /// <summary>True when <paramref name="value"/> can be sent as a quoted string.</summary>
    public static bool IsQuotable(string value)
    {
        return value.Length <= MaxQuotedLength && value.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0;
    }

    private static bool IsAstringAtom(string value)
    {
        if (value.Length == 0 || value.Length > MaxQuotedLength || value.Equals("NIL", StringComparison.OrdinalIgnoreCase)) return false;
        foreach (char c in value)
            if (c > 0x7e || !ImapTokenizer.IsAstringChar((byte)c)) return false;
        return true;
    }
}
