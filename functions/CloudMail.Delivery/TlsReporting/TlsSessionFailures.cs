using System.Security.Cryptography.X509Certificates;
using CloudMail.Core.TlsReporting;
using MailKit.Security;

namespace CloudMail.Delivery.TlsReporting;

/// <summary>
/// What an exception thrown while connecting (greeting, EHLO, STARTTLS) says about TLS, as an RFC 8460 §4.3 result type:
/// STARTTLS required and not offered → <c>starttls-not-supported</c>; a failed handshake whose certificate had to be
/// verified → <c>certificate-expired</c>, <c>certificate-host-mismatch</c> or <c>certificate-not-trusted</c> from the
/// certificate itself, <c>validation-failure</c> otherwise; under DANE (RFC 7672) a failed handshake means the certificate
/// matched none of the TLSA records: <c>tlsa-invalid</c>. Anything else (refused connection, timeout, an error reply)
/// was no TLS session at all: null. Never throws.
/// </summary>
public static class TlsSessionFailures
{
    /// <summary>The result type of <paramref name="exception"/> for a session with <paramref name="host"/>, or null.</summary>
    /// <param name="verified">Whether the certificate had to be verified (MTA-STS enforce, REQUIRETLS).</param>
    /// <param name="now">The time the certificate's validity is judged at.</param>
    /// <param name="dane">Whether the certificate was checked against TLSA records (DANE) instead of the Web PKI.</param>
    public static string? Classify(Exception exception, string host, bool verified, DateTimeOffset now, bool dane = false)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            NotSupportedException => TlsResultTypes.StartTlsNotSupported,
            SslHandshakeException when dane => TlsResultTypes.TlsaInvalid,
            SslHandshakeException handshake when verified => OfCertificate(handshake.ServerCertificate, host, now),
            SslHandshakeException => TlsResultTypes.ValidationFailure,
            _ => null,
        };
    }

    /// <summary>Why a certificate that failed verification failed.</summary>
    public static string OfCertificate(X509Certificate? certificate, string host, DateTimeOffset now)
    {
        if (certificate is null) return TlsResultTypes.ValidationFailure;
        try
        {
            using var cert = new X509Certificate2(certificate);
            DateTime utc = now.UtcDateTime;
            if (cert.NotAfter.ToUniversalTime() < utc || cert.NotBefore.ToUniversalTime() > utc) return TlsResultTypes.CertificateExpired;
            if (!cert.MatchesHostname(host.TrimEnd('.'))) return TlsResultTypes.CertificateHostMismatch;
            return TlsResultTypes.CertificateNotTrusted;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return TlsResultTypes.ValidationFailure;
        }
        catch (ArgumentException)
        {
            return TlsResultTypes.ValidationFailure;
        }
    }
}
