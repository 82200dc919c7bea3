using DnsClient.Protocol;

namespace CloudMail.Delivery.Dane;

/// <summary>What DANE (RFC 7672) says about one MX host: whether TLS is mandatory and how its certificate is checked.</summary>
public abstract record DaneTlsa
{
    private DaneTlsa() { }

    /// <summary>DANE does not apply (insecure MX or TLSA, no usable TLSA record): opportunistic TLS as before (RFC 7672 §2.2).</summary>
    public sealed record NotApplicable : DaneTlsa;

    /// <summary>
    /// Usable TLSA records from a secure answer (RFC 7672 §2.2): STARTTLS is mandatory and the certificate must match one of
    /// <paramref name="Records"/>; <paramref name="Names"/> are the reference identifiers for DANE-TA (§3.2.2).
    /// </summary>
    public sealed record Required(IReadOnlyList<TlsaRecord> Records, IReadOnlyList<string> Names) : DaneTlsa;

    /// <summary>The TLSA lookup of a secure MX host failed or was bogus: the host must not be used now (RFC 7672 §2.1.1).</summary>
    public sealed record Failed(string Reply) : DaneTlsa;
}
