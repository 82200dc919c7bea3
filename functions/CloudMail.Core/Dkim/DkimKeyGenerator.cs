using System.Security.Cryptography;
using CloudMail.Core.Directory;

namespace CloudMail.Core.Dkim;

/// <summary>Makes new signing keys and derives what DNS publishes for them.</summary>
public static class DkimKeyGenerator
{
    /// <summary>RSA key size: RFC 8301 section 3.2 requires at least 1024 bits and recommends 2048.</summary>
    public const int RsaKeyBits = 2048;

    /// <summary>A new active <see cref="DkimAlgorithm.RsaSha256"/> key for <paramref name="domain"/> under <paramref name="selector"/>.</summary>
    public static DkimKey NewRsaKey(string domain, string selector, DateTimeOffset now)
    {
        string name = DirectoryKeys.Domain(domain);
        string normalizedSelector = DkimSelector.Normalize(selector);
        using var rsa = RSA.Create(RsaKeyBits);
        return new DkimKey(name, normalizedSelector, DkimAlgorithm.RsaSha256, rsa.ExportPkcs8PrivateKeyPem(),
            DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), Active: true);
    }

    /// <summary>The public key as DNS publishes it (<c>p=</c>): base64 of the DER SubjectPublicKeyInfo (RFC 6376 section 3.6.1).</summary>
    public static string PublicKeyBase64(DkimKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.PublicKey is { } published) return published;
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key.PrivateKeyPem);
        return Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
    }
}
