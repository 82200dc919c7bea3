using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CloudMail.Delivery.Dane;

namespace CloudMail.Delivery;

// DANE (RFC 7672) in direct MX delivery: the TLSA source, the certificate callback of a DANE host and the note in the
// delivery reply of which TLS policy applied. The host selection that uses them is in DeliverAsync.
public sealed partial class SmtpOutboundTransport
{
    /// <summary>TLSA records of MX hosts (RFC 7672); null: DANE is not applied.</summary>
    public DaneTlsaSource? Dane { get; init; }

    /// <summary>Accepts exactly the certificates that match <paramref name="tlsa"/> (name and chain checks are DANE's own).</summary>
    private static RemoteCertificateValidationCallback DaneCallback(DaneTlsa.Required tlsa) =>
        (_, certificate, chain, _) =>
        {
            if (certificate is null) return false;
            using var leaf = new X509Certificate2(certificate);
            return DaneVerifier.Verify(leaf, chain, tlsa);
        };

    /// <summary>
    /// Which TLS policy a delivery went under, for the delivery log: <c> (dane)</c>, <c> (mta-sts)</c>, <c> (without TLS: STARTTLS
    /// failed)</c> or nothing.
    /// </summary>
    private static string TlsPolicyNote(Target target) =>
        target.Dane is not null ? " (dane)" : target.VerifiedTls ? " (mta-sts)" : target.WithoutTls ? " (without TLS: STARTTLS failed)" : "";
}
