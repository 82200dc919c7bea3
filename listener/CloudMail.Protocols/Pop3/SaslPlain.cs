namespace CloudMail.Protocols.Pop3;

/// <summary>Decoded SASL PLAIN message. <see cref="ToString"/> never shows the password.</summary>
/// <param name="AuthorizationId">authzid; empty when the client did not send one.</param>
/// <param name="AuthenticationId">authcid: the user name to check.</param>
public sealed record SaslPlainCredentials(string AuthorizationId, string AuthenticationId, string Password)
{
    public override string ToString() =>
        $"SaslPlainCredentials {{ AuthorizationId = {AuthorizationId}, AuthenticationId = {AuthenticationId}, Password = <redacted> }}";
}

/// <summary>The SASL PLAIN mechanism (RFC 4616) as POP3 AUTH carries it (RFC 5034 §4: base64 on the wire).</summary>
public static class SaslPlain
{
    public const string Mechanism = "PLAIN";

    /// <summary>RFC 4616 §2: authcid and passwd are at most 255 octets; authzid too.</summary>
    public const int MaxFieldLength = 255;

    /// <summary>Decodes a base64 client response (RFC 5034 §4 / RFC 4648 §4). False when it is not valid base64 or not a valid PLAIN message.</summary>
    public static bool TryDecode(string base64, out SaslPlainCredentials? credentials)
    {
        credentials = null;
        if (base64.Length == 0 || base64.Length > 4 * ((3 * MaxFieldLength + 2 + 2) / 3)) return false;
        Span<byte> decoded = stackalloc byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, decoded, out int written)) return false;
        return TryParse(decoded[..written], out credentials);
    }

    /// <summary>
    /// RFC 4616 §2: <c>message = [authzid] UTF8NUL authcid UTF8NUL passwd</c>; authcid and passwd are
    /// non-empty, no field contains NUL, all are UTF-8.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out SaslPlainCredentials? credentials)
    {
        credentials = null;
        int first = message.IndexOf((byte)0);
        if (first < 0) return false;
        var rest = message[(first + 1)..];
        int second = rest.IndexOf((byte)0);
        if (second < 0) return false;
        var authzid = message[..first];
        var authcid = rest[..second];
        var passwd = rest[(second + 1)..];
        if (authcid.IsEmpty || passwd.IsEmpty || passwd.IndexOf((byte)0) >= 0) return false;
        if (authzid.Length > MaxFieldLength || authcid.Length > MaxFieldLength || passwd.Length > MaxFieldLength) return false;
        if (!Pop3CommandParser.TryDecodeUtf8(authzid, out string z)
            || !Pop3CommandParser.TryDecodeUtf8(authcid, out string c)
            || !Pop3CommandParser.TryDecodeUtf8(passwd, out string p)) return false;
        credentials = new SaslPlainCredentials(z, c, p);
        return true;
    }
}
