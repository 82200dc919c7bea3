using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;

namespace CloudMail.Core.Dkim;

/// <summary>
/// A relaxed/relaxed rsa-sha256 MimeKit <see cref="DkimSigner"/> whose private key lives elsewhere: MimeKit
/// canonicalizes and hashes the signed headers (RFC 6376 §3.7), and the SHA-256 digest is signed by
/// <see cref="IRemoteDigestSigner"/> (RFC 6376 §3.3.1: RSASSA-PKCS1-v1_5 with SHA-256). Uses MimeKit's
/// <c>CreateSigningContext</c> hook; no private key is ever given to MimeKit.
/// </summary>
public sealed class RemoteKeyDkimSigner : DkimSigner
{
    private readonly IRemoteDigestSigner _remote;
    private readonly TimeProvider _time;

    /// <summary>A signer for <paramref name="domain"/>/<paramref name="selector"/> that signs through <paramref name="remote"/>.</summary>
    public RemoteKeyDkimSigner(IRemoteDigestSigner remote, string domain, string selector, TimeProvider time)
        : base(RemoteKeyHandle.Instance, domain, selector, DkimSignatureAlgorithm.RsaSha256)
    {
        _remote = remote;
        _time = time;
        HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
    }

    /// <inheritdoc />
    protected override long GetTimestamp() => _time.GetUtcNow().ToUnixTimeSeconds();

    /// <inheritdoc />
    protected override ISigner CreateSigningContext() => new RemoteDigestContext(_remote);

    /// <summary>
    /// MimeKit's signer constructors require a private key parameter; this one carries no key material, only marks the
    /// key as private-and-elsewhere. <see cref="CreateSigningContext"/> never hands it to a BouncyCastle signer.
    /// </summary>
    private sealed class RemoteKeyHandle() : AsymmetricKeyParameter(privateKey: true)
    {
        public static readonly RemoteKeyHandle Instance = new();
    }

    /// <summary>Hashes what MimeKit writes with SHA-256; <see cref="GenerateSignature"/> sends only the digest out.</summary>
    private sealed class RemoteDigestContext(IRemoteDigestSigner remote) : ISigner
    {
        private readonly Sha256Digest _digest = new();

        public string AlgorithmName => "SHA-256withRSA";

        public void Init(bool forSigning, ICipherParameters parameters)
        {
            if (!forSigning) throw new NotSupportedException("A remote key signer does not verify.");
        }

        public void Update(byte input) => _digest.Update(input);

        public void BlockUpdate(byte[] input, int inOff, int inLen) => _digest.BlockUpdate(input, inOff, inLen);

        public void BlockUpdate(ReadOnlySpan<byte> input) => _digest.BlockUpdate(input);

        public int GetMaxSignatureSize() => 512;

        public byte[] GenerateSignature()
        {
            byte[] hash = new byte[_digest.GetDigestSize()];
            _digest.DoFinal(hash, 0);
            return remote.SignSha256Digest(hash);
        }

        public bool VerifySignature(byte[] signature) => throw new NotSupportedException("A remote key signer does not verify.");

        public void Reset() => _digest.Reset();
    }
}
