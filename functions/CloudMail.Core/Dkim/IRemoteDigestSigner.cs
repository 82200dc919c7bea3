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
    /// length). Throws <see cref="Failures.TransientStorageException"/> when the key holder is down or throttling (retry
    /// later) and <see cref="DkimKeyUnavailableException"/> when it refuses the key (missing, disabled, no permission).
    /// </summary>
    Task<byte[]> SignSha256DigestAsync(byte[] sha256Digest, CancellationToken cancellationToken);
}

/// <summary>Makes the <see cref="IRemoteDigestSigner"/> of a key held elsewhere, named by <see cref="DkimKey.RemoteKeyId"/>.</summary>
public interface IRemoteDigestSignerFactory
{
    /// <summary>
    /// The signer of key <paramref name="keyId"/> (in Azure mode the Key Vault key id URL). Throws
    /// <see cref="DkimKeyUnavailableException"/> when this host cannot reach that key holder (e.g. another vault).
    /// </summary>
    IRemoteDigestSigner For(string keyId);
}

/// <summary>
/// A domain's DKIM key cannot be used and retrying soon will not help (the vault says the key is missing or disabled, or
/// this host's identity may not use it, or no vault is configured). The outbound stage defers the message (it never
/// sends mail of a domain that has an active key unsigned) and the error is logged, so an operator can fix the key.
/// </summary>
public sealed class DkimKeyUnavailableException : Exception
{
    public DkimKeyUnavailableException()
        : base("The DKIM signing key is unavailable.")
    {
    }

    public DkimKeyUnavailableException(string message)
        : base(message)
    {
    }

    public DkimKeyUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Makes DKIM keys whose private half never leaves the key holder (Azure mode: a non-exportable Key Vault key).</summary>
public interface IRemoteDkimKeyCreator
{
    /// <summary>
    /// Creates an RSA-2048 key for <paramref name="domain"/>/<paramref name="selector"/> in the key holder and returns the
    /// active <see cref="DkimKey"/> to store: its <see cref="DkimKey.RemoteKeyId"/> and <see cref="DkimKey.PublicKey"/>, no
    /// private key. Throws <see cref="Failures.TransientStorageException"/> when the holder is down, and
    /// <see cref="DkimKeyUnavailableException"/> when it refuses (e.g. the caller lacks the right to create keys).
    /// </summary>
    Task<DkimKey> CreateAsync(string domain, string selector, DateTimeOffset now, CancellationToken cancellationToken);
}
