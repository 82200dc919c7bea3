using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Protocols.Smtp.Parsing;

/// <summary>
/// The grammar rules of RFC 5321 §4.1.2 and §4.1.3 (with the SMTPUTF8 extensions of RFC 6531 §3.3), one
/// method per rule. Pure and allocation-light; nothing here throws for any input.
/// </summary>
public static class SmtpGrammar
{
    /// <summary>RFC 5321 §4.5.3.1.2.</summary>
    public const int MaxDomainOctets = 255;

    /// <summary>RFC 5321 §4.5.3.1.3: a path including the angle brackets.</summary>
    public const int MaxPathOctets = 256;

    /// <summary>RFC 1035 §2.3.4: one DNS label.</summary>
    public const int MaxLabelOctets = 63;

    /// <summary>Let-dig = ALPHA / DIGIT; RFC 6531 §3.3 lets U-labels in, so any non-ASCII character counts too (IDNA validity is not checked).</summary>
    public static bool IsLetDig(char c) => char.IsAsciiLetterOrDigit(c) || c > '\u007f';

    /// <summary>atext (RFC 5322 §3.2.3) plus UTF8-non-ascii (RFC 6531 §3.3).</summary>
    public static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || c > '\u007f' || "!#$%&'*+-/=?^_`{|}~".Contains(c);

    /// <summary>qtextSMTP = %d32-33 / %d35-91 / %d93-126 (plus UTF8-non-ascii, RFC 6531 §3.3).</summary>
    public static bool IsQtextSmtp(char c) => c is >= ' ' and <= '~' and not '"' and not '\\' || c > '\u007f';

    /// <summary>sub-domain = Let-dig [Ldh-str]; Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig.</summary>
    public static bool IsSubDomain(ReadOnlySpan<char> s, bool allowUnderscore = false)
    {
        if (s.IsEmpty || s.Length > MaxLabelOctets || !IsLetDig(s[0]) || !IsLetDig(s[^1])) return false;
        foreach (char c in s)
        {
            if (!IsLetDig(c) && c != '-' && !(allowUnderscore && c == '_')) return false;
        }
        return true;
    }

    /// <summary>Domain = sub-domain *("." sub-domain), at most 255 octets.</summary>
    /// <param name="allowUnderscore">Deliberate leniency for HELO/EHLO names only: Windows host names often contain "_".</param>
    public static bool IsDomain(ReadOnlySpan<char> s, bool allowUnderscore = false)
    {
        if (s.IsEmpty || Utf8Length(s) > MaxDomainOctets) return false;
        foreach (var range in s.Split('.'))
        {
            if (!IsSubDomain(s[range], allowUnderscore)) return false;
        }
        return true;
    }

    /// <summary>
    /// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal / General-address-literal ) "]".
    /// </summary>
    public static bool IsAddressLiteral(ReadOnlySpan<char> s)
    {
        if (s.Length < 3 || s[0] != '[' || s[^1] != ']') return false;
        var inner = s[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase)) return IsIPv6AddressLiteral(inner[5..]);
        if (IsIPv4AddressLiteral(inner)) return true;
        return IsGeneralAddressLiteral(inner);
    }

    /// <summary>
    /// The address an IPv4 or IPv6 address-literal names (<c>[192.0.2.1]</c>, <c>[IPv6:2001:db8::1]</c>); false for any
    /// other text, a General-address-literal included.
    /// </summary>
    public static bool TryParseAddressLiteral(ReadOnlySpan<char> s, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (s.Length < 3 || s[0] != '[' || s[^1] != ']') return false;
        var inner = s[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            inner = inner[5..];
            if (!IsIPv6AddressLiteral(inner)) return false;
        }
        else if (!IsIPv4AddressLiteral(inner)) return false;
        return IPAddress.TryParse(inner, out address);
    }

    /// <summary>IPv4-address-literal = Snum 3("." Snum); Snum = 1*3DIGIT, 0-255.</summary>
    public static bool IsIPv4AddressLiteral(ReadOnlySpan<char> s)
    {
        int parts = 0;
        foreach (var range in s.Split('.'))
        {
            var snum = s[range];
            if (snum.Length is < 1 or > 3 || !int.TryParse(snum, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n > 255) return false;
            parts++;
        }
        return parts == 4;
    }

    /// <summary>IPv6-addr (RFC 5321 §4.1.3), checked by the platform parser; zone ids are not allowed.</summary>
    public static bool IsIPv6AddressLiteral(ReadOnlySpan<char> s) =>
        s.Length is > 1 and <= 45 && s.IndexOf('%') < 0 && s.Contains(':')
        && IPAddress.TryParse(s, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>General-address-literal = Standardized-tag ":" 1*dcontent; dcontent = %d33-90 / %d94-126.</summary>
    public static bool IsGeneralAddressLiteral(ReadOnlySpan<char> s)
    {
        int colon = s.IndexOf(':');
        if (colon <= 0 || colon == s.Length - 1) return false;
        var tag = s[..colon];
        if (!char.IsAsciiLetterOrDigit(tag[^1])) return false;
        foreach (char c in tag)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        }
        foreach (char c in s[(colon + 1)..])
        {
            if (c is < '!' or > '~' or '[' or '\\' or ']') return false;
        }
        return true;
    }

    /// <summary>Dot-string = Atom *("." Atom); Atom = 1*atext.</summary>
    public static bool IsDotString(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var range in s.Split('.'))
        {
            var atom = s[range];
            if (atom.IsEmpty) return false;
            foreach (char c in atom)
            {
                if (!IsAtext(c)) return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Quoted-string = DQUOTE *QcontentSMTP DQUOTE; QcontentSMTP = qtextSMTP / quoted-pairSMTP;
    /// quoted-pairSMTP = "\" %d32-126. Returns the length of the quoted string at the start of
    /// <paramref name="s"/>, or -1.
    /// </summary>
    public static int QuotedStringLength(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || s[0] != '"') return -1;
        for (int i = 1; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '"') return i + 1;
            if (c == '\\')
            {
                if (++i >= s.Length || s[i] is < ' ' or > '~') return -1;
            }
            else if (!IsQtextSmtp(c))
            {
                return -1;
            }
        }
        return -1;
    }

    /// <summary>
    /// Local-part = Dot-string / Quoted-string. Not held to §4.5.3.1.1's 64 octets: that is the length every server
    /// must take, and §4.5.3.1 asks for no limits where possible; SRS and VERP return paths (CloudMail's own SRS
    /// addresses among them) are often longer, and Postfix takes them. The whole path stays within
    /// <see cref="MaxPathOctets"/>.
    /// </summary>
    public static bool IsLocalPart(ReadOnlySpan<char> s) => IsDotString(s) || QuotedStringLength(s) == s.Length;

    /// <summary>
    /// Mailbox = Local-part "@" ( Domain / address-literal ). The local part may be quoted and contain "@",
    /// so it is scanned, not split.
    /// </summary>
    public static bool IsMailbox(ReadOnlySpan<char> s)
    {
        int at = LocalPartEnd(s);
        if (at <= 0 || at >= s.Length - 1 || s[at] != '@') return false;
        var domain = s[(at + 1)..];
        return IsLocalPart(s[..at]) && (IsDomain(domain) || IsAddressLiteral(domain));
    }

    /// <summary>Index just past the local part (quoted or not) at the start of <paramref name="s"/>, or -1.</summary>
    private static int LocalPartEnd(ReadOnlySpan<char> s)
    {
        if (!s.IsEmpty && s[0] == '"') return QuotedStringLength(s);
        int at = s.IndexOf('@');
        return at;
    }

    /// <summary>
    /// Path = "&lt;" [ A-d-l ":" ] Mailbox "&gt;", and Reverse-path's "&lt;&gt;" when <paramref name="allowNull"/>.
    /// The source route (A-d-l) is accepted and dropped (RFC 5321 §4.1.2, §C). "&lt;Postmaster&gt;" without a
    /// domain is accepted when <paramref name="allowPostmaster"/> (RFC 5321 §4.1.1.3).
    /// Returns the number of characters consumed, or -1 when the text at the start is not a path.
    /// </summary>
    /// <param name="mailbox">The Mailbox ("" for the null path, "Postmaster" for the bare form).</param>
    public static int ParsePath(ReadOnlySpan<char> s, bool allowNull, bool allowPostmaster, out string mailbox)
    {
        mailbox = string.Empty;
        if (s.IsEmpty || s[0] != '<') return -1;
        if (allowNull && s.StartsWith("<>")) return 2;
        int i = 1;
        if (i < s.Length && s[i] == '@')
        {
            int colon = s.IndexOf(':');
            if (colon < 0 || !IsAtDomainList(s[1..colon])) return -1;
            i = colon + 1;
        }
        var rest = s[i..];
        int localEnd = LocalPartEnd(rest);
        int close;
        if (localEnd < 0)
        {
            // No '@': only the special "<Postmaster>" form is a valid path without a domain.
            close = rest.IndexOf('>');
            if (allowPostmaster && close > 0 && rest[..close].Equals("postmaster", StringComparison.OrdinalIgnoreCase) && i == 1)
            {
                mailbox = rest[..close].ToString();
                return i + close + 1;
            }
            return -1;
        }
        if (localEnd >= rest.Length || rest[localEnd] != '@') return -1;
        var afterAt = rest[(localEnd + 1)..];
        int domainEnd = !afterAt.IsEmpty && afterAt[0] == '[' ? afterAt.IndexOf(']') + 1 : afterAt.IndexOf('>');
        if (domainEnd <= 0 || domainEnd >= afterAt.Length || afterAt[domainEnd] != '>') return -1;
        close = localEnd + 1 + domainEnd;
        var box = rest[..close];
        if (!IsMailbox(box)) return -1;
        int consumed = i + close + 1;
        if (Utf8Length(s[..consumed]) > MaxPathOctets) return -1;
        mailbox = CanonicalMailbox(box);
        return consumed;
    }

    /// <summary>
    /// A valid Mailbox in the one form its quoting allows (RFC 5321 §4.1.2: a quoted local part and the same characters as a
    /// Dot-string are one mailbox, and quoted-pairs are only needed for '"' and '\'): a quoted local part whose content is a
    /// Dot-string loses its quotes (<c>"alice"@d</c> is <c>alice@d</c>); any other quoted local part keeps them, with exactly
    /// '"' and '\' escaped (<c>"a\ b"@d</c> is <c>"a b"@d</c>). The domain is left as it is.
    /// </summary>
    public static string CanonicalMailbox(ReadOnlySpan<char> mailbox)
    {
        int end = QuotedStringLength(mailbox);
        if (end < 2) return mailbox.ToString();
        var content = new System.Text.StringBuilder(end);
        for (int i = 1; i < end - 1; i++)
        {
            if (mailbox[i] == '\\') i++;
            content.Append(mailbox[i]);
        }
        string text = content.ToString();
        string local = IsDotString(text)
            ? text
            : "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return local + mailbox[end..].ToString();
    }

    /// <summary>A-d-l = At-domain *( "," At-domain ); At-domain = "@" Domain.</summary>
    public static bool IsAtDomainList(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var range in s.Split(','))
        {
            var atDomain = s[range];
            if (atDomain.Length < 2 || atDomain[0] != '@' || !IsDomain(atDomain[1..])) return false;
        }
        return true;
    }

    /// <summary>esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").</summary>
    public static bool IsEsmtpKeyword(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetterOrDigit(s[0])) return false;
        foreach (char c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        }
        return true;
    }

    /// <summary>esmtp-value = 1*(%d33-60 / %d62-126) (plus UTF8-non-ascii, RFC 6531 §3.3).</summary>
    public static bool IsEsmtpValue(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (char c in s)
        {
            if (!(c is >= '!' and <= '~' and not '=' || c > '\u007f')) return false;
        }
        return true;
    }

    /// <summary>xtext = *( xchar / hexchar ) (RFC 3461 §4): printable ASCII except "+" and "=", or "+" and two upper-case hex digits.</summary>
    public static bool IsXtext(ReadOnlySpan<char> s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '+')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigitUpper(s[i + 1]) && !char.IsAsciiDigit(s[i + 1])
                    || !char.IsAsciiHexDigitUpper(s[i + 2]) && !char.IsAsciiDigit(s[i + 2])) return false;
                i += 2;
            }
            else if (c is < '!' or > '~' or '=')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>HELO/EHLO argument: Domain / address-literal (RFC 5321 §4.1.1.1), with "_" tolerated in labels.</summary>
    public static bool IsHeloName(ReadOnlySpan<char> s) => IsDomain(s, allowUnderscore: true) || IsAddressLiteral(s);

    /// <summary>True when every character is ASCII (an address that needs no SMTPUTF8, RFC 6531 §3.2).</summary>
    public static bool IsAscii(ReadOnlySpan<char> s) => System.Text.Ascii.IsValid(s);

    private static int Utf8Length(ReadOnlySpan<char> s) => Encoding.UTF8.GetByteCount(s);
}
