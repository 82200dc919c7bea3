using System.Globalization;
using System.Text;
using CloudMail.Protocols.Dates;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Protocols.Imap.Parsing;

/// <summary>
/// A cursor over a framed command with one method per terminal of the RFC 3501 §9 grammar. Every method
/// returns false on a mismatch and records the first error in <see cref="Error"/>; nothing throws on bad input.
/// Methods named Try... leave the cursor unchanged and set no error when they do not match.
/// </summary>
internal sealed class ImapTokenizer(IReadOnlyList<ImapFramePart> parts)
{
    /// <summary>Largest nesting of parentheses accepted in SEARCH keys (stack safety).</summary>
    public const int MaxDepth = 32;

    private int _part;
    private int _pos;

    /// <summary>The first syntax error met, for the BAD reply.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// True when the first error is a mailbox name that is a well-formed astring but not valid modified UTF-7 (or holds
    /// control characters): no mailbox can have that name, so the command gets NO, not BAD (the syntax was right).
    /// </summary>
    public bool MailboxNameRefused { get; private set; }

    /// <summary>UTF8=ACCEPT is enabled (RFC 6855 §3): mailbox names are UTF-8, not modified UTF-7, and APPEND takes UTF8 (...).</summary>
    public bool Utf8Accept { get; init; }

    private byte[] Line => parts[_part].Data;

    /// <summary>True when every byte of the command has been consumed.</summary>
    public bool AtEnd => _part == parts.Count - 1 && _pos >= Line.Length;

    /// <summary>The next byte of command text, or -1 at the end of a line (before a literal or at the end).</summary>
    public int Peek() => _pos < Line.Length ? Line[_pos] : -1;

    private int PeekAt(int offset) => _pos + offset < Line.Length ? Line[_pos + offset] : -1;

    /// <summary>Records <paramref name="message"/> as the error (if none yet) and returns false.</summary>
    public bool Fail(string message)
    {
        Error ??= message;
        return false;
    }

    /// <summary>Cursor position, to backtrack after a Try that looked ahead.</summary>
    public (int Part, int Pos) Mark() => (_part, _pos);

    public void Reset((int Part, int Pos) mark) => (_part, _pos) = mark;

    // ---- characters --------------------------------------------------------------------------------------

    /// <summary>SP (RFC 3501 §9: exactly one space).</summary>
    public bool Sp() => Expect(' ', "Expected a space");

    public bool Expect(char c, string? message = null)
    {
        if (Peek() == c) { _pos++; return true; }
        return Fail(message ?? $"Expected '{c}'");
    }

    public bool TryConsume(char c)
    {
        if (Peek() != c) return false;
        _pos++;
        return true;
    }

    /// <summary>Consumes <paramref name="word"/> case-insensitively if it is next and is not followed by another atom character.</summary>
    public bool TryKeyword(string word)
    {
        for (int i = 0; i < word.Length; i++)
        {
            int b = PeekAt(i);
            if (b < 0 || char.ToUpperInvariant((char)b) != char.ToUpperInvariant(word[i])) return false;
        }
        int after = PeekAt(word.Length);
        if (after >= 0 && IsAtomChar((byte)after) && after != '[' && after != '.') return false;
        _pos += word.Length;
        return true;
    }

    // ---- character classes (RFC 3501 §9) -----------------------------------------------------------------

    /// <summary>ATOM-CHAR: any CHAR except atom-specials ( "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]" ).</summary>
    public static bool IsAtomChar(byte b) =>
        b > 0x20 && b < 0x7f && b is not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)']');

    /// <summary>ASTRING-CHAR: ATOM-CHAR or "]".</summary>
    public static bool IsAstringChar(byte b) => IsAtomChar(b) || b == ']';

    /// <summary>list-char: ATOM-CHAR, list-wildcards or resp-specials.</summary>
    public static bool IsListChar(byte b) => IsAstringChar(b) || b is (byte)'%' or (byte)'*';

    /// <summary>tag: 1*&lt;any ASTRING-CHAR except "+"&gt;.</summary>
    public static bool IsTagChar(byte b) => IsAstringChar(b) && b != '+';

    // ---- tokens ------------------------------------------------------------------------------------------

    /// <summary>tag (RFC 3501 §9).</summary>
    public bool Tag(out string tag) => Run(IsTagChar, out tag, "Missing or invalid tag");

    /// <summary>atom: 1*ATOM-CHAR.</summary>
    public bool Atom(out string atom) => Run(IsAtomChar, out atom, "Expected an atom");

    /// <summary>Letters, digits and dots: the name of a FETCH item or section keyword, up to "[" or "&lt;".</summary>
    public bool Word(out string word) =>
        Run(b => b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'.', out word, "Expected a keyword");

    private bool Run(Func<byte, bool> accept, out string value, string error)
    {
        int start = _pos;
        var line = Line;
        while (_pos < line.Length && accept(line[_pos])) _pos++;
        if (_pos == start) { value = ""; return Fail(error); }
        value = Encoding.ASCII.GetString(line, start, _pos - start);
        return true;
    }

    /// <summary>number: 1*DIGIT that fits 32 bits unsigned.</summary>
    public bool Number(out uint value)
    {
        value = 0;
        if (!Number64(out ulong v)) return false;
        if (v > uint.MaxValue) return Fail("Number too large");
        value = (uint)v;
        return true;
    }

    /// <summary>nz-number: a non-zero number.</summary>
    public bool NzNumber(out uint value) => Number(out value) && (value != 0 || Fail("Number must not be zero"));

    /// <summary>mod-sequence-value (RFC 7162 §7): up to 63 bits.</summary>
    public bool Number64(out ulong value)
    {
        value = 0;
        int start = _pos;
        var line = Line;
        while (_pos < line.Length && line[_pos] is >= (byte)'0' and <= (byte)'9')
        {
            if (_pos - start >= 19) return Fail("Number too large");
            value = value * 10 + (ulong)(line[_pos] - '0');
            _pos++;
        }
        if (_pos == start) return Fail("Expected a number");
        if (value > long.MaxValue) return Fail("Number too large");
        return true;
    }

    /// <summary>quoted: DQUOTE *QUOTED-CHAR DQUOTE, where "\" escapes only DQUOTE and "\".</summary>
    public bool Quoted(out byte[] value)
    {
        value = [];
        if (!Expect('"')) return false;
        var buffer = new List<byte>();
        var line = Line;
        while (_pos < line.Length)
        {
            byte b = line[_pos++];
            if (b == '"') { value = [.. buffer]; return true; }
            if (b == '\\')
            {
                if (_pos >= line.Length || line[_pos] is not ((byte)'"' or (byte)'\\')) return Fail("Invalid escape in quoted string");
                b = line[_pos++];
            }
            // Deliberate leniency: 8-bit bytes are accepted inside quoted strings (RFC 3501 allows 7-bit only),
            // because common clients send UTF-8 search terms and names that way.
            buffer.Add(b);
        }
        return Fail("Unterminated quoted string");
    }

    /// <summary>True when a literal marker "{" starts here.</summary>
    public bool AtLiteral => Peek() == '{' || (Peek() == '~' && PeekAt(1) == '{');

    /// <summary>literal: "{" number ["+"] "}" CRLF *CHAR8 (RFC 3501 §4.3, RFC 7888). Buffered literals only.</summary>
    public bool Literal(out byte[] value)
    {
        value = [];
        if (!LiteralMarker(out var part)) return false;
        if (part.Kind != ImapFramePartKind.Literal) return Fail("A message literal is not allowed here");
        value = part.Data;
        return true;
    }

    /// <summary>
    /// A buffered literal or literal8 (<c>~{n}</c>, RFC 3516 §4.4), as a CATENATE TEXT part may be;
    /// <paramref name="literal8"/> tells which.
    /// </summary>
    public bool BufferedLiteral8(out byte[] value, out bool literal8)
    {
        value = [];
        literal8 = Peek() == '~';
        if (!LiteralMarker(out var part, literal8Allowed: true)) return false;
        if (part.Kind != ImapFramePartKind.Literal) return Fail("A message literal is not allowed here");
        value = part.Data;
        return true;
    }

    /// <summary>
    /// The streamed literal of an APPEND message, a literal or a literal8 (<c>~{n}</c>, RFC 3516 §4.4: the message may
    /// hold any octet, NUL included); returns its size, and in <paramref name="literal8"/> which of the two it is.
    /// </summary>
    public bool StreamedLiteral(out long size, out bool literal8)
    {
        size = 0;
        literal8 = Peek() == '~';
        if (!LiteralMarker(out var part, literal8Allowed: true)) return false;
        if (part.Kind != ImapFramePartKind.StreamedLiteral) return Fail("Expected a message literal");
        size = part.Size;
        return true;
    }

    private bool LiteralMarker(out ImapFramePart literal, bool literal8Allowed = false)
    {
        literal = null!;
        if (literal8Allowed && Peek() == '~' && PeekAt(1) == '{') _pos++;
        if (Peek() != '{') return Fail(Peek() == '~' ? "literal8 is allowed only for an APPEND message (RFC 3516 section 4.4)" : "Expected a literal");
        var line = Line;
        int close = Array.IndexOf(line, (byte)'}', _pos);
        // The marker must end the line, and a literal must follow it (guaranteed by the reader's framing).
        if (close != line.Length - 1 || _part + 1 >= parts.Count) return Fail("Invalid literal");
        literal = parts[_part + 1];
        _part += 2;
        _pos = 0;
        return true;
    }

    /// <summary>string: quoted or literal.</summary>
    public bool String(out byte[] value)
    {
        if (Peek() == '"') return Quoted(out value);
        return Literal(out value);
    }

    /// <summary>astring: 1*ASTRING-CHAR or string.</summary>
    public bool AString(out byte[] value)
    {
        if (Peek() == '"' || AtLiteral) return String(out value);
        int start = _pos;
        var line = Line;
        while (_pos < line.Length && IsAstringChar(line[_pos])) _pos++;
        if (_pos == start) { value = []; return Fail("Expected a string"); }
        value = line[start.._pos];
        return true;
    }

    /// <summary>astring as UTF-8 text.</summary>
    public bool AString(out string value)
    {
        bool ok = AString(out byte[] bytes);
        value = ok ? Utf8(bytes) : "";
        return ok;
    }

    /// <summary>nstring: string or NIL.</summary>
    public bool NString(out byte[]? value)
    {
        if (TryKeyword("NIL")) { value = null; return true; }
        bool ok = String(out byte[] v);
        value = v;
        return ok;
    }

    /// <summary>mailbox: "INBOX" or astring, decoded from modified UTF-7 (RFC 3501 §5.1.3).</summary>
    public bool Mailbox(out string name) => Mailbox(out name, out _);

    /// <summary>
    /// mailbox, also telling whether the client sent raw 8-bit octets instead of modified UTF-7: RFC 3501 §5.1 says
    /// mailbox names are 7-bit, and servers SHOULD prohibit creating 8-bit names (the lookup leniency of
    /// <see cref="ModifiedUtf7.TryDecode"/> must not turn into names that LIST can only echo back re-encoded).
    /// </summary>
    public bool Mailbox(out string name, out bool eightBit)
    {
        name = "";
        eightBit = false;
        if (!AString(out byte[] raw)) return false;
        eightBit = !Utf8Accept && raw.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0;
        return DecodeMailbox(raw, out name);
    }

    /// <summary>list-mailbox: 1*list-char or string (RFC 3501 §9), decoded like a mailbox.</summary>
    public bool ListMailbox(out string pattern)
    {
        pattern = "";
        byte[] raw;
        if (Peek() == '"' || AtLiteral)
        {
            if (!String(out raw)) return false;
        }
        else
        {
            int start = _pos;
            var line = Line;
            while (_pos < line.Length && IsListChar(line[_pos])) _pos++;
            if (_pos == start) return Fail("Expected a mailbox pattern");
            raw = line[start.._pos];
        }
        return DecodeMailbox(raw, out pattern);
    }

    private bool DecodeMailbox(byte[] raw, out string name)
    {
        if (Utf8Accept ? Utf8MailboxNames.TryDecode(raw, out name) : ModifiedUtf7.TryDecode(raw, out name)) return true;
        if (Error is null) MailboxNameRefused = true;
        return Fail(Utf8Accept ? "Mailbox name is not valid UTF-8 (RFC 6855 section 3)" : "Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3)");
    }

    /// <summary>flag: "\" atom (system flag or flag-extension) or a keyword atom.</summary>
    public bool Flag(out string flag)
    {
        flag = "";
        bool backslash = TryConsume('\\');
        if (backslash && Peek() == '*') { _pos++; flag = FlagNames.AnyKeyword; return true; }
        if (!Atom(out string atom)) return Fail("Expected a flag");
        flag = backslash ? FlagNames.CanonicalSystemFlag("\\" + atom) ?? "\\" + atom : atom;
        return true;
    }

    /// <summary>flag-list: "(" [flag *(SP flag)] ")".</summary>
    public bool FlagList(out List<string> flags)
    {
        flags = [];
        if (!Expect('(')) return false;
        if (TryConsume(')')) return true;
        do
        {
            if (!Flag(out string f)) return false;
            flags.Add(f);
        }
        while (TryConsume(' '));
        return Expect(')', "Expected ')' after flags");
    }

    /// <summary>sequence-set (RFC 3501 §9, RFC 5182 "$").</summary>
    public bool SequenceSet(out SequenceSet set)
    {
        set = null!;
        if (TryConsume('$')) { set = new SequenceSet([], IsSaved: true); return true; }
        var ranges = new List<SequenceRange>();
        do
        {
            if (!SeqNumber(out uint first)) return false;
            uint last = first;
            if (TryConsume(':') && !SeqNumber(out last)) return false;
            ranges.Add(new SequenceRange(first, last));
        }
        while (TryConsume(','));
        set = new SequenceSet(ranges);
        return true;
    }

    /// <summary>True when a sequence set (digit, "*" or "$") starts here.</summary>
    public bool AtSequenceSet => Peek() is >= '0' and <= '9' or '*' or '$';

    private bool SeqNumber(out uint n)
    {
        if (TryConsume('*')) { n = SequenceRange.Star; return true; }
        return NzNumber(out n) || Fail("Invalid sequence set");
    }

    /// <summary>date-time: DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE.</summary>
    public bool DateTime(out DateTimeOffset value)
    {
        value = default;
        if (!Quoted(out byte[] raw)) return false;
        string text = Encoding.ASCII.GetString(raw);
        // date-day-fixed is (SP DIGIT) / 2DIGIT; deliberate leniency: a bare one-digit day is accepted too.
        if (TryParseDateTime(text.TrimStart(), out value)) return true;
        return Fail("Invalid date-time");
    }

    private static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        value = default;
        int space = text.LastIndexOf(' ');
        if (space < 0) return false;
        string zone = text[(space + 1)..];
        if (zone.Length != 5 || zone[0] is not ('+' or '-') || !int.TryParse(zone.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int hhmm)) return false;
        int minutes = hhmm / 100 * 60 + hhmm % 100;
        if (hhmm % 100 >= 60 || minutes > 14 * 60) return false;
        if (!System.DateTime.TryParseExact(text[..space], ["d-MMM-yyyy HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return false;
        return ZonedTime.TryCreate(local, TimeSpan.FromMinutes(zone[0] == '-' ? -minutes : minutes), out value);
    }

    /// <summary>date: date-text or DQUOTE date-text DQUOTE; date-text = date-day "-" date-month "-" date-year.</summary>
    public bool Date(out DateOnly value)
    {
        value = default;
        string text;
        if (Peek() == '"')
        {
            if (!Quoted(out byte[] raw)) return false;
            text = Encoding.ASCII.GetString(raw);
        }
        else if (!Atom(out text)) return Fail("Expected a date");
        if (DateOnly.TryParseExact(text, "d-MMM-yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out value)) return true;
        return Fail("Invalid date");
    }

    /// <summary>Decodes bytes as UTF-8 (invalid sequences become U+FFFD).</summary>
    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
