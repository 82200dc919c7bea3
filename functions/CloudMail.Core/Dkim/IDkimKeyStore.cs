namespace CloudMail.Core.Dkim;

/// <summary>
/// Per-domain DKIM signing keys (RFC 6376), each named by its selector (the DNS name
/// <c>{selector}._domainkey.{domain}</c> publishes its public key). Rotation: add a key under a new selector (it is
/// active at once, so both sign while the new TXT record propagates), publish it, then deactivate the old one; remove
/// the old one once its TXT record is withdrawn. Domains and selectors are stored lower-cased.
/// Designed for the weaker backend: every operation is on one domain (Azure Table: partition = domain).
/// Embedded: a table in mail.db. Azure: the <c>dkimkeys</c> table, whose rows hold either a PEM private key (older rows)
/// or only the Key Vault key id and public key of a non-exportable vault key (<see cref="DkimKey.RemoteKeyId"/>).
/// </summary>
public interface IDkimKeyStore
{
    /// <summary>
    /// Stores <paramref name="key"/>. Throws <see cref="Directory.DirectoryConflictException"/> when the domain already
    /// has a key with that selector (a selector names one public key for good: never reuse it for another key).
    /// Does not check that the domain is local: callers do.
    /// </summary>
    Task AddAsync(DkimKey key, CancellationToken cancellationToken);

    /// <summary>Every key of <paramref name="domain"/>, active or not, oldest first (then by selector); empty when none.</summary>
    Task<IReadOnlyList<DkimKey>> ListAsync(string domain, CancellationToken cancellationToken);

    /// <summary>The active keys of <paramref name="domain"/> (exactly this domain, not its parents), newest first.</summary>
    Task<IReadOnlyList<DkimKey>> ActiveKeysAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Stops signing with a key; it stays listed. Returns false when the domain has no such selector.</summary>
    Task<bool> DeactivateAsync(string domain, string selector, CancellationToken cancellationToken);

    /// <summary>Deletes a key. Returns false when the domain has no such selector.</summary>
    Task<bool> RemoveAsync(string domain, string selector, CancellationToken cancellationToken);
}

/// <summary>Signing algorithms of stored keys (RFC 6376 section 3.3; RFC 8463 adds ed25519-sha256, not offered yet).</summary>
public enum DkimAlgorithm
{
    /// <summary><c>rsa-sha256</c> with a 2048-bit RSA key.</summary>
    RsaSha256,
}

/// <summary>A DKIM signing key.</summary>
/// <param name="Domain">Lower-cased signing domain (<c>d=</c>).</param>
/// <param name="Selector">Lower-cased selector (<c>s=</c>), see <see cref="DkimSelector"/>.</param>
/// <param name="PrivateKeyPem">PKCS#8 PEM text of the private key, or empty for a key held elsewhere
/// (<see cref="RemoteKeyId"/>). Secret: never log it.</param>
/// <param name="CreatedAt">When the key was made.</param>
/// <param name="Active">Whether outbound mail is signed with it.</param>
public sealed record DkimKey(string Domain, string Selector, DkimAlgorithm Algorithm, string PrivateKeyPem, DateTimeOffset CreatedAt, bool Active)
{
    /// <summary>
    /// The id of a private key held outside this process (Azure mode: the Key Vault key id URL,
    /// <c>https://{vault}/keys/{name}/{version}</c>), signed with through <see cref="IRemoteDigestSignerFactory"/>; null for
    /// a PEM key. Not secret: naming the key grants nothing without the vault role.
    /// </summary>
    public string? RemoteKeyId { get; init; }

    /// <summary>The public key (base64 DER SubjectPublicKeyInfo, the TXT <c>p=</c>) of a remote key; null for a PEM key (derived from it).</summary>
    public string? PublicKey { get; init; }

    /// <summary>Whether the private key is held elsewhere (<see cref="RemoteKeyId"/>).</summary>
    public bool IsRemote => RemoteKeyId is not null;

    /// <summary>A key held elsewhere: no PEM here, only its id and public key.</summary>
    public static DkimKey Remote(string domain, string selector, string remoteKeyId, string publicKey, DateTimeOffset createdAt) =>
        new(domain, selector, DkimAlgorithm.RsaSha256, "", createdAt, Active: true) { RemoteKeyId = remoteKeyId, PublicKey = publicKey };

    /// <summary>Hides the private key so that logging or printing the record by accident does not leak it.</summary>
    public override string ToString() =>
        $"DkimKey {{ Domain = {Domain}, Selector = {Selector}, Algorithm = {Algorithm}, CreatedAt = {CreatedAt:O}, Active = {Active}, RemoteKeyId = {RemoteKeyId}, PrivateKeyPem = *** }}";
}
