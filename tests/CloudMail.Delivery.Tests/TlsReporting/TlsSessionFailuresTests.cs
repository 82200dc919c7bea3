using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery.TlsReporting;
using MailKit.Security;

namespace CloudMail.Delivery.Tests.TlsReporting;

/// <summary>How a failed connection maps onto RFC 8460 §4.3 result types.</summary>
public sealed class TlsSessionFailuresTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    private static X509Certificate2 Certificate(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    [Fact]
    public void An_expired_certificate_is_certificate_expired()
    {
        using var cert = Certificate("mx.b.test", Now.AddYears(-2), Now.AddDays(-1));

        Assert.Equal(TlsResultTypes.CertificateExpired, TlsSessionFailures.OfCertificate(cert, "mx.b.test", Now));
    }

    [Fact]
    public void A_certificate_for_another_name_is_a_host_mismatch()
    {
        using var cert = Certificate("other.b.test", Now.AddDays(-1), Now.AddYears(1));

        Assert.Equal(TlsResultTypes.CertificateHostMismatch, TlsSessionFailures.OfCertificate(cert, "mx.b.test.", Now));
    }

    [Fact]
    public void A_valid_certificate_that_failed_anyway_is_not_trusted()
    {
        using var cert = Certificate("mx.b.test", Now.AddDays(-1), Now.AddYears(1));

        Assert.Equal(TlsResultTypes.CertificateNotTrusted, TlsSessionFailures.OfCertificate(cert, "mx.b.test", Now));
        Assert.Equal(TlsResultTypes.ValidationFailure, TlsSessionFailures.OfCertificate(null, "mx.b.test", Now));
    }

    [Fact]
    public void Only_TLS_trouble_is_a_TLS_failure()
    {
        Assert.Equal(TlsResultTypes.StartTlsNotSupported, TlsSessionFailures.Classify(new NotSupportedException("STARTTLS"), "mx.b.test", verified: true, Now));
        Assert.Equal(TlsResultTypes.ValidationFailure, TlsSessionFailures.Classify(new SslHandshakeException("bad record"), "mx.b.test", verified: false, Now));
        Assert.Null(TlsSessionFailures.Classify(new System.Net.Sockets.SocketException(111), "mx.b.test", verified: true, Now));
        Assert.Null(TlsSessionFailures.Classify(new TimeoutException(), "mx.b.test", verified: false, Now));
    }
}
