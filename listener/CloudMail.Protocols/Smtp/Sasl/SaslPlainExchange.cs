using System.Text;
using System.Text.Unicode;

namespace CloudMail.Protocols.Smtp.Sasl;

/// <summary>
/// PLAIN (RFC 4616): message = [authzid] UTF8NUL authcid UTF8NUL passwd, each at most 255 octets.
/// Without an initial response the server sends an empty challenge ("334 "). An authorization identity
/// different from the authentication identity is refused (no proxy login): the exchange fails with 535.
/// </summary>
public sealed class SaslPlainExchange : ISaslExchange
{
    public SaslStep Start(string? initialResponse) =>
        initialResponse is null ? new SaslStep.Challenge(SmtpReplies.EmptyChallenge) : Next(initialResponse);

    public SaslStep Next(string? responseLine)
    {
        var failed = SaslResponse.Decode(responseLine, out byte[] data);
        if (failed is not null) return failed;
        return TryParse(data, out string? authzid, out string? user, out string? password)
            ? authzid.Length == 0 || authzid.Equals(user, StringComparison.OrdinalIgnoreCase)
                ? new SaslStep.Credentials(user, password)
                : new SaslStep.Failed(SmtpReplies.AuthFailed)
            : new SaslStep.Failed(SmtpReplies.AuthBadResponse);
    }

    /// <summary>Splits a decoded PLAIN message. False unless there are exactly three valid UTF-8 fields with non-empty authcid and passwd.</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out string authzid, out string user, out string password)
    {
        authzid = user = password = string.Empty;
        int first = message.IndexOf((byte)0);
        if (first < 0) return false;
        var rest = message[(first + 1)..];
        int second = rest.IndexOf((byte)0);
        if (second < 0) return false;
        var z = message[..first];
        var c = rest[..second];
        var p = rest[(second + 1)..];
        if (c.IsEmpty || p.IsEmpty || p.IndexOf((byte)0) >= 0 || z.Length > 255 || c.Length > 255 || p.Length > 255) return false;
        if (!Utf8.IsValid(z) || !Utf8.IsValid(c) || !Utf8.IsValid(p)) return false;
        authzid = Encoding.UTF8.GetString(z);
        user = Encoding.UTF8.GetString(c);
        password = Encoding.UTF8.GetString(p);
        return true;
    }
}
