namespace CloudMail.Protocols.Sasl;

/// <summary>The mechanisms implemented: PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login).</summary>
public static class SaslMechanisms
{
    public const string Plain = "PLAIN";

    public const string Login = "LOGIN";

    /// <summary>Every mechanism implemented, space-separated, as SMTP EHLO advertises them: "AUTH PLAIN LOGIN" (RFC 4954 §3).</summary>
    public const string All = Plain + " " + Login;

    /// <summary>A new exchange for an upper-cased mechanism name, or null when it is not implemented.</summary>
    public static ISaslExchange? Create(string mechanism) => mechanism switch
    {
        Plain => new SaslPlainExchange(),
        Login => new SaslLoginExchange(),
        _ => null,
    };
}
