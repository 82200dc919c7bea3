namespace CloudMail.Core.Dkim;

/// <summary>
/// An RSA private key held outside the process (in Azure mode: a non-exportable Key Vault key) that signs a SHA-256
/// digest with RSASSA-PKCS1-v1_5 — Key Vault's <c>sign</c> operation with <c>alg=RS256</c>. The private key never
/// enters this process; only the 32-byte digest leaves it.
/// </summary>
public interface IRemoteDigestSigner
{
    /// <summary>
    /// Signs <paramref name="sha256Digest"/> (exactly 32 bytes) and returns the PKCS#1 v1.5 signature (the key's modulus
    /// length). Throws when the remote key cannot be reached; the caller decides whether the message goes out unsigned.
    /// </summary>
    byte[] SignSha256Digest(byte[] sha256Digest);
}
