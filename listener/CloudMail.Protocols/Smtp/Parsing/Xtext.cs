namespace CloudMail.Protocols.Smtp.Parsing;

/// <summary>
/// xtext (RFC 3461 §4): xtext = *( xchar / hexchar ); xchar = "!" to "~" except "+" and "="; hexchar = "+" 2(%x30-39 / %x41-46).
/// Decoding never throws.
/// </summary>
public static class Xtext
{
    /// <summary>
    /// Decodes <paramref name="s"/>; false when it is not xtext or decodes to something other than printable US-ASCII
    /// (RFC 3461 §4.4 and §4.2: ENVID and ORCPT values are printable ASCII, so no control character reaches a DSN).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> s, out string decoded)
    {
        decoded = string.Empty;
        if (!SmtpGrammar.IsXtext(s)) return false;
        var chars = new char[s.Length];
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '+')
            {
                c = (char)(HexValue(s[i + 1]) << 4 | HexValue(s[i + 2]));
                i += 2;
                if (c is < ' ' or > '~') return false;
            }
            chars[n++] = c;
        }
        decoded = new string(chars, 0, n);
        return true;
    }

    /// <summary>Encodes printable ASCII text <paramref name="s"/> as xtext: "+", "=" and space become "+XX".</summary>
    public static string Encode(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (char c in s)
        {
            if (c is >= '!' and <= '~' and not '+' and not '=') sb.Append(c);
            else sb.Append('+').Append(((int)c & 0xff).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : c - 'A' + 10;
}
