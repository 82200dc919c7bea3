namespace CloudMail.Core.TlsReporting;

/// <summary>
/// The <c>result-type</c> values of a failed session (RFC 8460 §4.3): why TLS could not be negotiated or why the policy
/// could not be honoured.
/// </summary>
public static class TlsResultTypes
{
    // §4.3.1 Negotiation failures.

    /// <summary>The receiving MX did not offer STARTTLS.</summary>
    public const string StartTlsNotSupported = "starttls-not-supported";

    /// <summary>The certificate does not name the MX host (or the TLSA/STS-required name).</summary>
    public const string CertificateHostMismatch = "certificate-host-mismatch";

    /// <summary>The certificate has expired.</summary>
    public const string CertificateExpired = "certificate-expired";

    /// <summary>The certificate does not chain to a trusted root.</summary>
    public const string CertificateNotTrusted = "certificate-not-trusted";

    /// <summary>Any other failure to negotiate or validate TLS.</summary>
    public const string ValidationFailure = "validation-failure";

    // §4.3.2.1 DANE (TLSA) policy failures.

    /// <summary>The TLSA records are invalid.</summary>
    public const string TlsaInvalid = "tlsa-invalid";

    /// <summary>The DNSSEC chain of the TLSA records did not validate.</summary>
    public const string DnssecInvalid = "dnssec-invalid";

    /// <summary>DANE is required but the receiving side has no usable TLSA records.</summary>
    public const string DaneRequired = "dane-required";

    // §4.3.2.2 MTA-STS policy failures.

    /// <summary>The MTA-STS policy could not be fetched.</summary>
    public const string StsPolicyFetchError = "sts-policy-fetch-error";

    /// <summary>The MTA-STS policy was fetched but is not valid.</summary>
    public const string StsPolicyInvalid = "sts-policy-invalid";

    /// <summary>The HTTPS certificate of the MTA-STS policy host did not validate.</summary>
    public const string StsWebPkiInvalid = "sts-webpki-invalid";

    /// <summary>Every result type RFC 8460 §4.3 defines.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        StartTlsNotSupported, CertificateHostMismatch, CertificateExpired, CertificateNotTrusted, ValidationFailure,
        TlsaInvalid, DnssecInvalid, DaneRequired, StsPolicyFetchError, StsPolicyInvalid, StsWebPkiInvalid,
    ];
}
