namespace CloudMail.Protocols.Smtp.Sasl;

/// <summary>
/// The server side of one SASL mechanism, as a pure state machine: feed it the initial response and each
/// response line; it answers with a challenge, credentials to verify, or a failure reply.
/// </summary>
public interface ISaslExchange
{
    /// <summary>First step; <paramref name="initialResponse"/> is the AUTH command's optional argument as sent.</summary>
    SaslStep Start(string? initialResponse);

    /// <summary>Next step after a response line (text as received, without CRLF; null when not valid text).</summary>
    SaslStep Next(string? responseLine);
}

/// <summary>The mechanisms offered: PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login).</summary>
public static class SaslMechanisms
{
    /// <summary>As advertised in EHLO: "AUTH PLAIN LOGIN".</summary>
    public const string Advertised = "PLAIN LOGIN";

    /// <summary>A new exchange for an upper-cased mechanism name, or null when not offered (504).</summary>
    public static ISaslExchange? Create(string mechanism) => mechanism switch
    {
        "PLAIN" => new SaslPlainExchange(),
        "LOGIN" => new SaslLoginExchange(),
        _ => null,
    };
}
