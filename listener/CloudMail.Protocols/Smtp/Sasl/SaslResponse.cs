namespace CloudMail.Protocols.Smtp.Sasl;

/// <summary>Decodes one client response of a SASL exchange (RFC 4954 §4).</summary>
public static class SaslResponse
{
    /// <summary>Longest decoded response accepted; PLAIN's three fields are at most 255 octets each (RFC 4616 §2).</summary>
    public const int MaxDecodedLength = 1024;

    /// <summary>
    /// "*" cancels (501); "=" is an empty response (initial response only, but harmless elsewhere);
    /// anything else must be base64 (RFC 4648 §4). Never throws.
    /// </summary>
    public static SaslStep? Decode(string? line, out byte[] data)
    {
        data = [];
        if (line is null) return new SaslStep.Failed(SmtpReplies.AuthBadResponse);
        if (line == "*") return new SaslStep.Failed(SmtpReplies.AuthCancelled);
        if (line == "=") return null;
        if (line.Length == 0 || line.Length > (MaxDecodedLength + 2) / 3 * 4) return new SaslStep.Failed(SmtpReplies.AuthBadResponse);
        var buffer = new byte[line.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(line, buffer, out int written)) return new SaslStep.Failed(SmtpReplies.AuthBadResponse);
        data = buffer[..written];
        return null;
    }
}
