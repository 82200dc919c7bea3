using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// One message of an APPEND: its flags, internal date and the size of its streamed literal, or, for a CATENATE
/// message (RFC 4469 §5), its parts (then <see cref="Size"/> is 0: nothing was streamed).
/// </summary>
public sealed record AppendMessage(IReadOnlyList<string> Flags, DateTimeOffset? InternalDate, long Size, IReadOnlyList<CatenatePart>? Catenate = null);

/// <summary>A CATENATE part (RFC 4469 §5): TEXT bytes sent by the client, or the URL of a message or part to copy.</summary>
/// <param name="Binary">A TEXT part sent as a literal8 (RFC 3516 §4.4): its bytes may be binary content, kept as they are.</param>
public sealed record CatenatePart(byte[]? Text, string? Url, bool Binary = false);

/// <summary>
/// APPEND mailbox [flags] [date-time] literal (RFC 3501 §6.3.11), or several messages in one command
/// (MULTIAPPEND, RFC 3502 §6.3.11). The message bytes were streamed by the session (see
/// <see cref="ImapAppendLiteralStarting"/>); this record says the command ended well-formed.
/// </summary>
public sealed record AppendCommand(string Tag, string Mailbox, IReadOnlyList<AppendMessage> Messages) : ImapCommand(Tag)
{
    public override string Name => "APPEND";

    /// <summary>Size of the first (for a plain APPEND, the only) message.</summary>
    public long MessageSize => Messages[0].Size;

    /// <summary>append = "APPEND" SP mailbox 1*append-message (RFC 3502 §6.3.11).</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        if (!t.Sp() || !t.Mailbox(out string mailbox)) return null;
        var messages = new List<AppendMessage>();
        do
        {
            if (!Options(t, out var flags, out var date)) return null;
            if (t.TryKeyword("CATENATE"))
            {
                if (!Catenate(t, out var parts)) return null;
                messages.Add(new AppendMessage(flags, date, 0, parts));
                continue;
            }
            if (!Data(t, out bool utf8, out long size, out _)) return null;
            if (utf8 && !t.Expect(')', "Expected ')' after the UTF8 literal")) return null;
            messages.Add(new AppendMessage(flags, date, size));
        }
        while (!t.AtEnd);
        return new AppendCommand(tag, mailbox, messages);
    }

    /// <summary>
    /// When the frame so far ends with the literal marker of an APPEND message (the first or a later one of a
    /// MULTIAPPEND), what the session needs to stream it: the mailbox, that message's options and its number
    /// (0 for the first). Null when the literal is something else (a mailbox name sent as a literal).
    /// </summary>
    internal static ImapAppendLiteralStarting? MessageStarting(string tag, ImapTokenizer t, long size, bool synchronizing)
    {
        if (!t.Sp() || !t.Mailbox(out string mailbox)) return null;
        for (int index = 0; ; index++)
        {
            if (!Options(t, out var flags, out var date)) return null;
            // A CATENATE message streams nothing: its TEXT literals are buffered (the frame ending inside one is not a
            // message literal), and it does not count among the streamed messages.
            if (t.TryKeyword("CATENATE"))
            {
                if (!Catenate(t, out _)) return null;
                index--;
                continue;
            }
            if (!Data(t, out bool utf8, out _, out bool binary)) return null;
            if (t.AtEnd) return new ImapAppendLiteralStarting(tag, mailbox, flags, date, size, synchronizing, index, binary);
            if (utf8 && !t.Expect(')')) return null;
        }
    }

    /// <summary>
    /// append-data: the message literal (or literal8), or, once UTF8=ACCEPT is enabled, utf8-literal = "UTF8" SP "("
    /// literal8 ")" (RFC 6855 §4), up to the literal: the caller reads the ")" when <paramref name="utf8"/> is set.
    /// <paramref name="binary"/>: a literal8 outside UTF8 (RFC 3516 §4.4), whose message may hold binary content.
    /// </summary>
    private static bool Data(ImapTokenizer t, out bool utf8, out long size, out bool binary)
    {
        size = 0;
        binary = false;
        utf8 = t.TryKeyword("UTF8");
        if (utf8 && !t.Utf8Accept) return t.Fail("APPEND UTF8 needs ENABLE UTF8=ACCEPT first (RFC 6855 section 4)");
        if (utf8 && (!t.Sp() || !t.Expect('('))) return false;
        if (!t.StreamedLiteral(out size, out bool literal8)) return false;
        binary = literal8 && !utf8;
        return true;
    }

    /// <summary>
    /// "CATENATE" SP "(" cat-part *(SP cat-part) ")" after the keyword (RFC 4469 §5); cat-part = "TEXT" SP literal
    /// / "URL" SP astring. TEXT may be a literal8 (RFC 3516 §4.4 extends CATENATE).
    /// </summary>
    private static bool Catenate(ImapTokenizer t, out List<CatenatePart> parts)
    {
        parts = [];
        if (!t.Sp() || !t.Expect('(')) return false;
        do
        {
            if (t.TryKeyword("TEXT"))
            {
                if (!t.Sp() || !t.BufferedLiteral8(out byte[] text, out bool binary)) return false;
                parts.Add(new CatenatePart(text, null, binary));
            }
            else if (t.TryKeyword("URL"))
            {
                if (!t.Sp() || !t.AString(out string url)) return false;
                parts.Add(new CatenatePart(null, url));
            }
            else return t.Fail("Expected TEXT or URL");
        }
        while (t.TryConsume(' '));
        if (!t.Expect(')', "Expected ')' after the CATENATE parts")) return false;
        return t.AtEnd || t.Peek() == ' ';
    }

    /// <summary>append-opts SP, as RFC 3502 writes it before append-data: [SP flag-list] [SP date-time] SP.</summary>
    private static bool Options(ImapTokenizer t, out List<string> flags, out DateTimeOffset? date)
    {
        flags = [];
        date = null;
        if (!t.Sp()) return false;
        if (t.Peek() == '(')
        {
            if (!t.FlagList(out flags) || !t.Sp()) return false;
        }
        if (t.Peek() == '"')
        {
            if (!t.DateTime(out var d) || !t.Sp()) return false;
            date = d;
        }
        return true;
    }
}
