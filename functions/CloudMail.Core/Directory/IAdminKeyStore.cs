namespace CloudMail.Core.Directory;

/// <summary>
/// Keys of the HTTP admin API, separate from the send API's per-domain keys (<see cref="IApiKeyStore"/>) and stored the
/// same way: a key is <c>cmadmin_&lt;keyId&gt;_&lt;secret&gt;</c> (<see cref="SendApi.ApiKeyFormat.AdminPrefix"/>), only the
/// SHA-256 of the secret is kept, the plaintext is shown once by <see cref="CreateAsync"/>. Each key carries scopes
/// (<see cref="Admin.AdminScopes"/>) that say what it may do. Every operation but <see cref="ListAsync"/> is a point
/// operation on one key id. Embedded: SQLite beside the send API keys. Azure: the directory Table.
/// </summary>
public interface IAdminKeyStore
{
    /// <summary>
    /// Creates a key with <paramref name="scopes"/> (already checked by <see cref="Admin.AdminScopes.Parse"/>) and returns it
    /// with its plaintext, which is not stored.
    /// </summary>
    Task<CreatedAdminKey> CreateAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken);

    /// <summary>
    /// The record of a presented key, or null for a malformed, unknown, revoked or wrong key (secret compared in constant
    /// time). Never throws for any input string; may throw for storage failures.
    /// </summary>
    Task<AdminKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken);

    /// <summary>Every admin key (never a secret), oldest first, then by key id.</summary>
    Task<IReadOnlyList<AdminKeyInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a key; it stops verifying at once. Returns false when no such key existed.</summary>
    Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary>A stored admin key without its secret.</summary>
/// <param name="KeyId">Public identifier (16 lower-case hex digits); safe to log.</param>
/// <param name="Scopes">What the key may do, sorted (<see cref="Admin.AdminScopes"/>).</param>
public sealed record AdminKeyInfo(string KeyId, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt)
{
    /// <summary>True when the key carries <paramref name="scope"/>.</summary>
    public bool Has(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);
}

/// <summary>A freshly created admin key. <paramref name="Key"/> is the only copy of the plaintext: show it once, never log it.</summary>
public sealed record CreatedAdminKey(AdminKeyInfo Info, string Key)
{
    /// <summary>Hides the plaintext so that logging or printing the record by accident does not leak it.</summary>
    public override string ToString() => $"CreatedAdminKey {{ Info = {Info}, Key = *** }}";
}
