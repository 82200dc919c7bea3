using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;

namespace CloudMail.Core.Dkim;

/// <summary>
/// What MimeKit signs through when the private key is elsewhere (<see cref="RemoteKeyDkimSigner"/>,
/// <see cref="RemoteKeyArcSigner"/>): hashes what MimeKit writes with SHA-256 and hands the digest to
/// <paramref name="answer"/>, whose bytes MimeKit writes as the signature (a placeholder, or a signature already made
/// remotely for that digest). Never verifies.
/// </summary>
internal sealed class RemoteSigningContext(Func<byte[], byte[]> answer) : ISigner
{
    /// <summary>The signature MimeKit writes before the remote one is known: 256 zero bytes (an RSA-2048 signature's size).</summary>
    public static byte[] Placeholder() => new byte[256];

    /// <summary><see cref="Placeholder"/> as it appears in a <c>b=</c> tag.</summary>
    public static readonly string PlaceholderBase64 = Convert.ToBase64String(new byte[256]);

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
        return answer(hash);
    }

    public bool VerifySignature(byte[] signature) => throw new NotSupportedException("A remote key signer does not verify.");

    public void Reset() => _digest.Reset();
}

/// <summary>
/// MimeKit's signer constructors require a private key parameter; this one carries no key material, only marks the key as
/// private-and-elsewhere. The remote signers never hand it to a BouncyCastle signer.
/// </summary>
internal sealed class RemoteKeyHandle() : AsymmetricKeyParameter(privateKey: true)
{
    public static readonly RemoteKeyHandle Instance = new();
}
