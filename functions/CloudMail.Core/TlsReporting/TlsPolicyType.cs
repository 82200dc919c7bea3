namespace CloudMail.Core.TlsReporting;

/// <summary>The kind of policy a sending MTA applied to a session (RFC 8460 §4.4, <c>policy-type</c>).</summary>
public enum TlsPolicyType
{
    /// <summary>An MTA-STS policy (RFC 8461): <c>sts</c>.</summary>
    Sts,

    /// <summary>DANE TLSA records (RFC 7672): <c>tlsa</c>.</summary>
    Tlsa,

    /// <summary>Neither: opportunistic TLS (RFC 7435): <c>no-policy-found</c>.</summary>
    NoPolicyFound,
}

/// <summary>The JSON names of <see cref="TlsPolicyType"/>.</summary>
public static class TlsPolicyTypes
{
    /// <summary><c>sts</c>, <c>tlsa</c> or <c>no-policy-found</c> (RFC 8460 §4.4).</summary>
    public static string ToWireName(this TlsPolicyType type) => type switch
    {
        TlsPolicyType.Sts => "sts",
        TlsPolicyType.Tlsa => "tlsa",
        _ => "no-policy-found",
    };

    /// <summary>The type named <paramref name="name"/>, or false for anything else (never throws).</summary>
    public static bool TryParse(string? name, out TlsPolicyType type)
    {
        (bool known, type) = name switch
        {
            "sts" => (true, TlsPolicyType.Sts),
            "tlsa" => (true, TlsPolicyType.Tlsa),
            "no-policy-found" => (true, TlsPolicyType.NoPolicyFound),
            _ => (false, TlsPolicyType.NoPolicyFound),
        };
        return known;
    }
}
