using System.Security.Cryptography;
using CloudMail.Core.Dkim;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace CloudMail.Core.Tests.Dkim;

/// <summary>
/// A remote key for the signer tests: a .NET RSA key held by the test that sees only the 32-byte digest, as Key Vault's
/// RS256 sign operation does (a stand-in for the operation, not a Key Vault fake). Counts its calls.
/// </summary>
internal sealed class DigestOnlyRsa(RSA rsa, bool delay = false) : IRemoteDigestSigner, IRemoteDigestSignerFactory
{
    private int _calls;

    public int Calls => _calls;

    /// <summary>The public key as a DKIM key record's <c>p=</c> value.</summary>
    public string PublicKeyBase64 => Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());

    public async Task<byte[]> SignSha256DigestAsync(byte[] sha256Digest, CancellationToken cancellationToken)
    {
        Assert.Equal(32, sha256Digest.Length);
        Interlocked.Increment(ref _calls);
        if (delay) await Task.Delay(Random.Shared.Next(1, 20), cancellationToken);
        return rsa.SignHash(sha256Digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Every key id names this key.</summary>
    public IRemoteDigestSigner For(string keyId) => this;
}

/// <summary>Answers every DKIM or ARC key lookup with one public key (no DNS).</summary>
internal sealed class OnePublicKey(string publicKeyBase64) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        GetPublicKey("v=DKIM1; k=rsa; p=" + publicKeyBase64);

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}

/// <summary>A clock that always says <paramref name="now"/>.</summary>
internal sealed class StoppedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
