namespace CloudMail.Protocols.Sasl;

/// <summary>
/// PLAIN (RFC 4616): message = [authzid] UTF8NUL authcid UTF8NUL passwd, each UTF-8, without NUL, at most 255
/// octets; authcid and passwd not empty. Without an initial response the server sends an empty challenge.
/// An authorization identity other than the authentication identity (compared ignoring case) is refused:
/// no proxy login.
/// </summary>
public sealed class SaslPlainExchange : ISaslExchange
{
    public SaslStep Start(string? initialResponse) =>
        initialResponse is null ? new SaslStep.Challenge(string.Empty) : Next(initialResponse);

    public SaslStep Next(string? responseLine)
    {
        if (SaslResponse.Decode(responseLine, out byte[] data) is { } failure) return new SaslStep.Failed(failure);
        if (!TryParse(data, out var credentials)) return new SaslStep.Failed(SaslFailure.InvalidMessage);
        return credentials.AuthorizationId.Length == 0 || credentials.AuthorizationId.Equals(credentials.UserName, StringComparison.OrdinalIgnoreCase)
            ? credentials
            : new SaslStep.Failed(SaslFailure.AuthorizationRefused);
    }

    /// <summary>Splits a decoded PLAIN message (RFC 4616 §2). False unless there are exactly three valid fields with non-empty authcid and passwd.</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out SaslStep.Credentials credentials)
    {
        credentials = new SaslStep.Credentials(string.Empty, string.Empty, string.Empty);
        int first = message.IndexOf((byte)0);
        if (first < 0) return false;
        var rest = message[(first + 1)..];
        int second = rest.IndexOf((byte)0);
        if (second < 0) return false;
        var authcid = rest[..second];
        var passwd = rest[(second + 1)..];
        if (authcid.IsEmpty || passwd.IsEmpty) return false;
        if (!SaslText.TryDecode(message[..first], out string z) || !SaslText.TryDecode(authcid, out string c) || !SaslText.TryDecode(passwd, out string p)) return false;
        credentials = new SaslStep.Credentials(z, c, p);
        return true;
    }
}
