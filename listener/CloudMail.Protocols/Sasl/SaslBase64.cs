namespace CloudMail.Protocols.Sasl;

/// <summary>Strict base64 as SASL profiles require it (RFC 4648 §4; RFC 4954 §4, RFC 9051 §6.2.2, RFC 5034 §4).</summary>
public static class SaslBase64
{
    /// <summary>
    /// True when <paramref name="text"/> is base64 with nothing else in it (RFC 4648 §3.3: no white space or other
    /// characters outside the alphabet), a length that is a multiple of 4 and at most two '=' only at the end
    /// (§3.2, §4). The empty string is the encoding of no data. Deliberately lenient: non-zero pad bits are
    /// accepted (§3.5 lets decoders choose).
    /// </summary>
    public static bool IsStrict(ReadOnlySpan<char> text)
    {
        if (text.Length % 4 != 0) return false;
        var body = text.TrimEnd('=');
        if (text.Length - body.Length > 2) return false;
        foreach (char c in body)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '/') return false;
        }
        return true;
    }
}
