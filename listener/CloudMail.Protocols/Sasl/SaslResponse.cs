namespace CloudMail.Protocols.Sasl;

/// <summary>
/// Decodes one client response of a SASL exchange, the same way for SMTP, IMAP and POP3. Pure; never throws.
/// </summary>
public static class SaslResponse
{
    /// <summary>
    /// Longest decoded response accepted (longer ones are <see cref="SaslFailure.InvalidEncoding"/>); PLAIN's three
    /// fields are at most 255 octets each (RFC 4616 §2), so 1024 leaves room and no mechanism offered needs more.
    /// </summary>
    public const int MaxDecodedLength = 1024;

    /// <summary>Longest base64 text decoded at all: the encoding of <see cref="MaxDecodedLength"/> octets.</summary>
    public const int MaxEncodedLength = (MaxDecodedLength + 2) / 3 * 4;

    /// <summary>
    /// "*" cancels (RFC 4954 §4, RFC 9051 §6.2.2, RFC 5034 §4); "=" is an empty response (the initial-response
    /// marker of RFC 4954 §4, RFC 4959 §3 and RFC 5034 §4; harmless later); anything else must be strict base64
    /// (<see cref="SaslBase64"/>), the empty line being empty data. Null <paramref name="line"/> (not valid text)
    /// is <see cref="SaslFailure.InvalidEncoding"/>. Returns null and the decoded octets on success.
    /// </summary>
    public static SaslFailure? Decode(string? line, out byte[] data)
    {
        data = [];
        if (line is null) return SaslFailure.InvalidEncoding;
        if (line == "*") return SaslFailure.Cancelled;
        if (line == "=") return null;
        if (line.Length > MaxEncodedLength || !SaslBase64.IsStrict(line)) return SaslFailure.InvalidEncoding;
        var decoded = Convert.FromBase64String(line); // cannot throw: IsStrict checked the alphabet, padding and length
        if (decoded.Length > MaxDecodedLength) return SaslFailure.InvalidEncoding;
        data = decoded;
        return null;
    }
}
