using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DnsClient.Protocol;

namespace CloudMail.Delivery.Dane;

/// <summary>
/// Certificate checks against TLSA records (RFC 6698 §2.1, RFC 7672 §3.1): DANE-EE(3) matches the server's own
/// certificate and ignores its names and dates (§3.1.1); DANE-TA(2) matches a certificate of the chain the server sent
/// (not the leaf), which must then issue the leaf, and the leaf must name one of the reference identifiers (§3.2.2).
/// </summary>
public static class DaneVerifier
{
    /// <summary>True when <paramref name="leaf"/> (with the server's <paramref name="chain"/>) matches one of <paramref name="tlsa"/>.</summary>
    public static bool Verify(X509Certificate2 leaf, X509Chain? chain, DaneTlsa.Required tlsa)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(tlsa);
        if (tlsa.Records.Any(r => r.CertificateUsage == TlsaCertificateUsage.DANEEE && Matches(r, leaf))) return true;
        var taRecords = tlsa.Records.Where(r => r.CertificateUsage == TlsaCertificateUsage.DANETA).ToList();
        if (taRecords.Count == 0 || chain is null) return false;
        if (!tlsa.Names.Any(n => leaf.MatchesHostname(n))) return false;
        foreach (var element in chain.ChainElements)
        {
            var candidate = element.Certificate;
            if (candidate.RawData.AsSpan().SequenceEqual(leaf.RawData)) continue;
            if (!taRecords.Any(r => Matches(r, candidate))) continue;
            using var anchored = new X509Chain();
            anchored.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            anchored.ChainPolicy.CustomTrustStore.Add(candidate);
            anchored.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            foreach (var other in chain.ChainElements) anchored.ChainPolicy.ExtraStore.Add(other.Certificate);
            if (anchored.Build(leaf)) return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="certificate"/> matches <paramref name="record"/>'s selector, matching type and data.</summary>
    public static bool Matches(TlsaRecord record, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] selected = record.Selector == TlsaSelector.PublicKey ? certificate.PublicKey.ExportSubjectPublicKeyInfo() : certificate.RawData;
        byte[] data = record.MatchingType switch
        {
            TlsaMatchingType.SHA256 => SHA256.HashData(selected),
            TlsaMatchingType.SHA512 => SHA512.HashData(selected),
            _ => selected,
        };
        return CryptographicOperations.FixedTimeEquals(data, record.CertificateAssociationData.ToArray());
    }
}
