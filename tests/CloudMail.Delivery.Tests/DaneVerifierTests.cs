using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudMail.Delivery.Dane;
using DnsClient;
using DnsClient.Protocol;

namespace CloudMail.Delivery.Tests;

/// <summary>Certificate checks against TLSA records (RFC 7672 §3.1): DANE-EE, DANE-TA with names, unusable records.</summary>
public sealed class DaneVerifierTests : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _leaf;
    private readonly X509Certificate2 _expired;
    private readonly X509Chain _chain = new();

    public DaneVerifierTests()
    {
        var caRequest = new CertificateRequest("CN=Test TA", _caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=mx.sec.test", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("mx.sec.test");
        leafRequest.CertificateExtensions.Add(names.Build());
        _leaf = leafRequest.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3]);
        _expired = leafRequest.Create(_ca, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1), [4, 5, 6]);
        _chain.ChainPolicy.ExtraStore.Add(_ca);
        _chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllFlags;
        _chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        _chain.Build(_leaf);
    }

    private static TlsaRecord Tlsa(TlsaCertificateUsage usage, TlsaSelector selector, TlsaMatchingType matching, X509Certificate2 certificate)
    {
        byte[] selected = selector == TlsaSelector.PublicKey ? certificate.PublicKey.ExportSubjectPublicKeyInfo() : certificate.RawData;
        byte[] data = matching switch
        {
            TlsaMatchingType.SHA256 => SHA256.HashData(selected),
            TlsaMatchingType.SHA512 => SHA512.HashData(selected),
            _ => selected,
        };
        return new TlsaRecord(new ResourceRecordInfo("_25._tcp.mx.sec.test", ResourceRecordType.TLSA, QueryClass.IN, 60, 0),
            (byte)usage, (byte)selector, (byte)matching, data);
    }

    private bool Verify(TlsaRecord record, string name = "mx.sec.test") =>
        DaneVerifier.Verify(_leaf, _chain, new DaneTlsa.Required([record], [name]));

    [Theory]
    [InlineData(TlsaSelector.PublicKey, TlsaMatchingType.SHA256)]
    [InlineData(TlsaSelector.FullCertificate, TlsaMatchingType.SHA512)]
    [InlineData(TlsaSelector.FullCertificate, TlsaMatchingType.ExactMatch)]
    public void DANE_EE_matches_the_leaf_whatever_its_name_and_dates(TlsaSelector selector, TlsaMatchingType matching)
    {
        Assert.True(Verify(Tlsa(TlsaCertificateUsage.DANEEE, selector, matching, _leaf), name: "other.test"));
        Assert.False(Verify(Tlsa(TlsaCertificateUsage.DANEEE, selector, matching, _ca)));
        // RFC 7672 §3.1.1: no expiry check for DANE-EE.
        using var chain = new X509Chain();
        Assert.True(DaneVerifier.Verify(_expired, chain, new DaneTlsa.Required([Tlsa(TlsaCertificateUsage.DANEEE, selector, matching, _expired)], ["mx.sec.test"])));
    }

    [Fact]
    public void DANE_TA_matches_the_issuer_and_needs_the_MX_name_in_the_leaf()
    {
        var record = Tlsa(TlsaCertificateUsage.DANETA, TlsaSelector.PublicKey, TlsaMatchingType.SHA256, _ca);

        Assert.True(Verify(record));
        Assert.False(Verify(record, name: "mx.elsewhere.test"));
        Assert.False(Verify(Tlsa(TlsaCertificateUsage.DANETA, TlsaSelector.PublicKey, TlsaMatchingType.SHA256, _leaf)));
    }

    [Fact]
    public void PKIX_usages_are_not_usable()
    {
        Assert.False(DaneTlsaSource.IsUsable(Tlsa(TlsaCertificateUsage.PKIXEE, TlsaSelector.PublicKey, TlsaMatchingType.SHA256, _leaf)));
        Assert.False(DaneTlsaSource.IsUsable(Tlsa(TlsaCertificateUsage.PKIXTA, TlsaSelector.PublicKey, TlsaMatchingType.SHA256, _ca)));
        Assert.True(DaneTlsaSource.IsUsable(Tlsa(TlsaCertificateUsage.DANEEE, TlsaSelector.PublicKey, TlsaMatchingType.SHA256, _leaf)));
    }

    public void Dispose()
    {
        _chain.Dispose();
        _leaf.Dispose();
        _expired.Dispose();
        _ca.Dispose();
        _caKey.Dispose();
    }
}
