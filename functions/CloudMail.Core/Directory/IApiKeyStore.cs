namespace CloudMail.Core.Directory;

/// <summary>
/// Per-domain API keys for the HTTP send API, stored hashed. A key has the shape
/// <c>cm_&lt;keyId&gt;_&lt;secret&gt;</c> (see <see cref="SendApi.ApiKeyFormat"/>): the key id is public and names the
/// key in logs, lists and revocation; only the SHA-256 of the secret is stored, so a leaked store does
/// not leak usable keys, and the plaintext is shown exactly once, by <see cref="CreateAsync"/>.
/// Designed for the weaker backend: every operation but <see cref="ListAsync"/> is a point operation on
/// one key id (Azure Table: partition key = key id, no cross-partition transaction);
/// <see cref="ListAsync"/> is an admin-only query filtered by domain.
/// Embedded: its own SQLite database. Azure: a Table.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>
    /// Creates a key for <paramref name="domain"/> (lower-cased by the store) and returns it with its plaintext,
    /// which is not stored and cannot be shown again. Does not check that the domain is local: callers do.
    /// </summary>
    Task<CreatedApiKey> CreateAsync(string domain, CancellationToken cancellationToken);

    /// <summary>
    /// Checks a presented key. Returns the key's record (its domain says what the caller may send as) or
    /// null for a malformed, unknown, revoked or wrong key. The secret is compared in constant time.
    /// Never throws for any input string; may throw for storage failures.
    /// </summary>
    Task<ApiKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken);

    /// <summary>Keys of one domain (never their secrets), oldest first.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Deletes a key; it stops verifying at once. Returns false when no such key existed.</summary>
    Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary>A stored API key without its secret.</summary>
/// <param name="KeyId">Public identifier (16 lower-case hex digits); safe to log.</param>
/// <param name="Domain">Lower-cased domain the key may send for.</param>
public sealed record ApiKeyInfo(string KeyId, string Domain, DateTimeOffset CreatedAt);

/// <summary>A freshly created key. <paramref name="Key"/> is the only copy of the plaintext: show it once, never log it.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Key)
{
    /// <summary>Hides the plaintext so that logging or printing the record by accident does not leak it.</summary>
    public override string ToString() => $"CreatedApiKey {{ Info = {Info}, Key = *** }}";
}
