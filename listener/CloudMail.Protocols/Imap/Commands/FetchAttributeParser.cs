using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>The fetch-att, section and partial grammar rules of RFC 3501 §9 (and BINARY, RFC 3516 §4.2; SAVEDATE, RFC 8514 §5; EMAILID and THREADID, RFC 8474 §7; PREVIEW, RFC 8970 §7).</summary>
internal static class FetchAttributeParser
{
    /// <summary>Most header field names in one HEADER.FIELDS list.</summary>
    public const int MaxHeaderFields = 100;

    /// <summary>The macros (RFC 3501 §6.4.5) or a single fetch-att.</summary>
    public static bool MacroOrFetchAtt(ImapTokenizer t, List<FetchItem> items)
    {
        if (t.TryKeyword("ALL")) { items.AddRange([FetchItem.Flags, FetchItem.InternalDate, FetchItem.Rfc822Size, FetchItem.Envelope]); return true; }
        if (t.TryKeyword("FAST")) { items.AddRange([FetchItem.Flags, FetchItem.InternalDate, FetchItem.Rfc822Size]); return true; }
        if (t.TryKeyword("FULL")) { items.AddRange([FetchItem.Flags, FetchItem.InternalDate, FetchItem.Rfc822Size, FetchItem.Envelope, FetchItem.Body]); return true; }
        return FetchAtt(t, items);
    }

    /// <summary>fetch-att.</summary>
    public static bool FetchAtt(ImapTokenizer t, List<FetchItem> items)
    {
        if (!t.Word(out string word)) return false;
        switch (word.ToUpperInvariant())
        {
            case "ENVELOPE": items.Add(FetchItem.Envelope); return true;
            case "FLAGS": items.Add(FetchItem.Flags); return true;
            case "INTERNALDATE": items.Add(FetchItem.InternalDate); return true;
            case "RFC822": items.Add(new FetchItem(FetchItemKind.Rfc822)); return true;
            case "RFC822.HEADER": items.Add(new FetchItem(FetchItemKind.Rfc822Header)); return true;
            case "RFC822.SIZE": items.Add(FetchItem.Rfc822Size); return true;
            case "RFC822.TEXT": items.Add(new FetchItem(FetchItemKind.Rfc822Text)); return true;
            case "BODYSTRUCTURE": items.Add(new FetchItem(FetchItemKind.BodyStructure)); return true;
            case "UID": items.Add(FetchItem.Uid); return true;
            case "MODSEQ": items.Add(FetchItem.ModSeq); return true;
            case "SAVEDATE": items.Add(FetchItem.SaveDate); return true; // RFC 8514 §4.2
            case "EMAILID": items.Add(FetchItem.EmailId); return true; // RFC 8474 §5.1
            case "THREADID": items.Add(FetchItem.ThreadId); return true; // RFC 8474 §5.2
            case "PREVIEW": items.Add(FetchItem.Preview); return PreviewModifiers(t); // RFC 8970 §3
            case "BODY":
                if (t.Peek() != '[') { items.Add(FetchItem.Body); return true; }
                return SectionItem(t, items, FetchItemKind.BodySection, peek: false);
            case "BODY.PEEK": return SectionItem(t, items, FetchItemKind.BodySection, peek: true);
            case "BINARY": return SectionItem(t, items, FetchItemKind.Binary, peek: false);
            case "BINARY.PEEK": return SectionItem(t, items, FetchItemKind.Binary, peek: true);
            case "BINARY.SIZE": return SectionItem(t, items, FetchItemKind.BinarySize, peek: true);
            default: return t.Fail("Unknown FETCH item " + word);
        }
    }

    /// <summary>
    /// The optional [SP "(" preview-mod *(SP preview-mod) ")"] after PREVIEW (RFC 8970 §7); the only modifier is LAZY,
    /// which lets a server answer NIL when a preview is not at hand (CloudMail always computes one, so it changes
    /// nothing). A " (" that does not open a preview-mod list is left for the caller (the FETCH modifiers of
    /// "FETCH 1 PREVIEW (CHANGEDSINCE 5)").
    /// </summary>
    private static bool PreviewModifiers(ImapTokenizer t)
    {
        var mark = t.Mark();
        if (!t.TryConsume(' ') || !t.TryConsume('(') || !t.TryKeyword("LAZY"))
        {
            t.Reset(mark);
            return true;
        }
        while (t.TryConsume(' '))
        {
            if (!t.TryKeyword("LAZY")) return t.Fail("Unknown PREVIEW modifier");
        }
        return t.Expect(')', "Expected ')' after the PREVIEW modifiers");
    }

    /// <remarks>
    /// BINARY takes the whole section-spec of BODY, not only the section-part of RFC 3516 §4.2, as Dovecot does (and
    /// imaptest expects): HEADER, TEXT and MIME are never content-encoded, so they are answered as stored.
    /// </remarks>
    private static bool SectionItem(ImapTokenizer t, List<FetchItem> items, FetchItemKind kind, bool peek)
    {
        if (!Section(t, out var section)) return false;
        FetchPartial? partial = null;
        if (kind != FetchItemKind.BinarySize && t.Peek() == '<')
        {
            if (!Partial(t, out var p)) return false;
            partial = p;
        }
        items.Add(new FetchItem(kind, section, peek, partial));
        return true;
    }

    /// <summary>section = "[" [section-spec] "]".</summary>
    public static bool Section(ImapTokenizer t, out BodySection section)
    {
        section = BodySection.Whole;
        if (!t.Expect('[')) return false;
        if (t.TryConsume(']')) return true;
        var part = new List<int>();
        if (t.Peek() is >= '0' and <= '9' && !SectionPart(t, part)) return false;
        var text = SectionText.None;
        var fields = new List<string>();
        if (part.Count == 0 || t.TryConsume('.'))
        {
            if (!SectionTextRule(t, allowMime: part.Count > 0, out text, fields)) return false;
        }
        if (!t.Expect(']', "Expected ']' after section")) return false;
        section = new BodySection(part, text, fields);
        return true;
    }

    /// <summary>section-part = nz-number *("." nz-number). Stops before a "." that is not followed by a digit.</summary>
    private static bool SectionPart(ImapTokenizer t, List<int> part)
    {
        while (true)
        {
            if (!t.NzNumber(out uint n)) return false;
            if (n > int.MaxValue || part.Count >= 100) return t.Fail("Invalid section part");
            part.Add((int)n);
            var mark = t.Mark();
            if (!t.TryConsume('.')) return true;
            if (t.Peek() is < '0' or > '9')
            {
                t.Reset(mark);
                return true;
            }
        }
    }

    /// <summary>section-msgtext / "MIME": HEADER, HEADER.FIELDS [.NOT] SP header-list, TEXT, MIME.</summary>
    private static bool SectionTextRule(ImapTokenizer t, bool allowMime, out SectionText text, List<string> fields)
    {
        text = SectionText.None;
        if (!t.Word(out string word)) return false;
        switch (word.ToUpperInvariant())
        {
            case "HEADER": text = SectionText.Header; return true;
            case "TEXT": text = SectionText.Text; return true;
            case "MIME" when allowMime: text = SectionText.Mime; return true;
            case "HEADER.FIELDS": text = SectionText.HeaderFields; break;
            case "HEADER.FIELDS.NOT": text = SectionText.HeaderFieldsNot; break;
            default: return t.Fail("Invalid section text " + word);
        }
        return t.Sp() && HeaderList(t, fields);
    }

    /// <summary>header-list = "(" header-fld-name *(SP header-fld-name) ")".</summary>
    private static bool HeaderList(ImapTokenizer t, List<string> fields)
    {
        if (!t.Expect('(')) return false;
        do
        {
            if (!t.AString(out string name)) return false;
            if (fields.Count == MaxHeaderFields) return t.Fail("Too many header fields");
            fields.Add(name);
        }
        while (t.TryConsume(' '));
        return t.Expect(')');
    }

    /// <summary>
    /// "&lt;" number "." nz-number "&gt;"; also "&lt;" number "&gt;" (from the origin to the end), which RFC 3501 §9 does
    /// not have but Dovecot accepts.
    /// </summary>
    private static bool Partial(ImapTokenizer t, out FetchPartial partial)
    {
        partial = default;
        if (!t.Expect('<') || !t.Number(out uint offset)) return false;
        uint count = uint.MaxValue;
        if (t.TryConsume('.') && !t.NzNumber(out count)) return false;
        if (!t.Expect('>')) return false;
        partial = new FetchPartial(offset, count);
        return true;
    }
}
