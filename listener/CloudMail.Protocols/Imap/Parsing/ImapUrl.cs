using System.Globalization;
using System.Text;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Protocols.Imap.Parsing;

/// <summary>
/// A message or body-part reference from an RFC 5092 IMAP URL, as CATENATE's URL parts use them (RFC 4469 §5:
/// the URL names a message or part the same user can read). Only the forms CATENATE needs: an absolute path
/// <c>/mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=spec]</c>, optionally prefixed by <c>imap://[user@]host[:port]</c>.
/// </summary>
/// <param name="Server">The host from an <c>imap://</c> prefix, or null for a relative (path-only) URL.</param>
/// <param name="User">The user from an <c>imap://user@host</c> prefix, or null.</param>
/// <param name="Mailbox">The mailbox name, percent-decoded (RFC 5092 §6: UTF-8 or modified UTF-7 bytes).</param>
/// <param name="UidValidity">The UIDVALIDITY the client expects, or null when absent.</param>
/// <param name="Uid">The message UID (RFC 5092 §6 "iuid"; nonzero).</param>
/// <param name="Section">The section spec (e.g. <c>1.MIME</c>, <c>HEADER</c>), upper-cased, or null for the whole message.</param>
/// <param name="Partial">RFC 5092 §6 "ipartial" (<c>/;PARTIAL=offset[.length]</c>): the range of the section's bytes, cut
/// as FETCH cuts &lt;offset.length&gt; (an offset past the end gives nothing); null for all of them.</param>
public sealed record ImapUrl(string? Server, string? User, string Mailbox, uint? UidValidity, uint Uid, string? Section, FetchPartial? Partial = null)
{
    /// <summary>
    /// Parses a URL. Never throws on client input: false for anything malformed or beyond what CATENATE
    /// can resolve (search URLs, URLAUTH), which the caller reports as <c>NO [BADURL]</c>
    /// (RFC 4469 §6).
    /// </summary>
    public static bool TryParse(string text, out ImapUrl? url)
    {
        url = null;
        if (string.IsNullOrEmpty(text)) return false;
        string? server = null, user = null;
        string rest = text;
        if (rest.StartsWith("imap://", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest[7..];
            int slash = rest.IndexOf('/');
            if (slash <= 0) return false;
            string authority = rest[..slash];
            rest = rest[slash..];
            int at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                if (!TryDecode(authority[..at], out user) || user!.Length == 0) return false;
                int auth = user.IndexOf(";AUTH=", StringComparison.OrdinalIgnoreCase);
                if (auth >= 0) user = user[..auth];
                authority = authority[(at + 1)..];
            }
            if (authority.Length == 0) return false;
            server = authority;
        }
        if (rest.Length < 2 || rest[0] != '/') return false;
        rest = rest[1..];
        // RFC 5092 §6 "imessagepart": enc-mailbox [uidvalidity] iuid [isection] [ipartial] [iurlauth]
        int uidAt = rest.IndexOf("/;UID=", StringComparison.OrdinalIgnoreCase);
        if (uidAt <= 0) return false;
        string mailboxPart = rest[..uidAt];
        rest = rest[(uidAt + 6)..];
        uint? uidValidity = null;
        int validityAt = mailboxPart.IndexOf(";UIDVALIDITY=", StringComparison.OrdinalIgnoreCase);
        if (validityAt >= 0)
        {
            if (!TryNz(mailboxPart[(validityAt + 13)..], out uint v)) return false;
            uidValidity = v;
            mailboxPart = mailboxPart[..validityAt];
        }
        if (mailboxPart.Contains(';') || !TryDecode(mailboxPart, out string? mailbox) || mailbox!.Length == 0) return false;
        FetchPartial? partial = null;
        int partialAt = rest.IndexOf("/;PARTIAL=", StringComparison.OrdinalIgnoreCase);
        if (partialAt >= 0)
        {
            // RFC 5092 §6: partial-range = number ["." nz-number]
            string range = rest[(partialAt + 10)..];
            int dot = range.IndexOf('.');
            if (!TryNumber(dot < 0 ? range : range[..dot], out uint offset)) return false;
            uint length = uint.MaxValue;
            if (dot >= 0 && !TryNz(range[(dot + 1)..], out length)) return false;
            partial = new FetchPartial(offset, length);
            rest = rest[..partialAt];
        }
        string? section = null;
        int sectionAt = rest.IndexOf("/;SECTION=", StringComparison.OrdinalIgnoreCase);
        string uidText = sectionAt >= 0 ? rest[..sectionAt] : rest;
        if (!TryNz(uidText, out uint uid)) return false;
        if (sectionAt >= 0)
        {
            if (!TryDecode(rest[(sectionAt + 10)..], out section) || !IsSectionSpec(section!)) return false;
            section = section!.ToUpperInvariant();
        }
        url = new ImapUrl(server, user, mailbox, uidValidity, uid, section, partial);
        return true;
    }

    /// <summary>
    /// The <see cref="Section"/> as the FETCH BODY[section] parser reads it (one parser for both), or
    /// <see cref="BodySection.Whole"/> when the URL names the whole message.
    /// </summary>
    public BodySection ToBodySection()
    {
        if (Section is null) return BodySection.Whole;
        var t = new ImapTokenizer([ImapFramePart.Line(Encoding.ASCII.GetBytes("[" + Section + "]"))]);
        return Commands.FetchAttributeParser.Section(t, out var section) && t.AtEnd ? section : BodySection.Whole;
    }

    /// <summary>RFC 3501 §9 section-spec without the brackets: a part number, optionally followed by a text or MIME suffix.</summary>
    private static bool IsSectionSpec(string s)
    {
        if (s.Length == 0) return false;
        string upper = s.ToUpperInvariant();
        string[] texts = ["HEADER", "TEXT", "MIME"];
        int i = 0;
        while (i < upper.Length && char.IsAsciiDigit(upper[i]))
        {
            if (upper[i] == '0') return false;
            while (i < upper.Length && char.IsAsciiDigit(upper[i])) i++;
            if (i == upper.Length) return true;
            if (upper[i] != '.') return false;
            i++;
        }
        string suffix = upper[i..];
        if (suffix == "MIME") return i > 0;
        return Array.IndexOf(texts, suffix) >= 0;
    }

    private static bool TryNumber(string s, out uint value) =>
        uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && s.Length > 0 && (s[0] != '0' || s.Length == 1);

    private static bool TryNz(string s, out uint value) =>
        uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value != 0 && s[0] != '0';

    /// <summary>Percent-decodes as UTF-8 (RFC 3986 §2.1); false for a bad escape, invalid UTF-8 or a control character.</summary>
    private static bool TryDecode(string s, out string? decoded)
    {
        decoded = null;
        var bytes = new List<byte>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !byte.TryParse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b)) return false;
                bytes.Add(b);
                i += 2;
            }
            else if (c is > ' ' and < '\x7f') bytes.Add((byte)c);
            else return false;
        }
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        foreach (char c in decoded) if (char.IsControl(c)) { decoded = null; return false; }
        return true;
    }
}
