using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Directory;

/// <summary>
/// <see cref="IAdminKeyStore"/> in the <see cref="AzureResourceNames.Tables.Directory"/> table, partition
/// <c>adminkey:{key id}</c> (<see cref="DirectoryRows"/>): create, verify and revoke are single-row operations
/// (<see cref="KeyRows"/>); <see cref="ListAsync"/> scans the admin-key partitions. Only
/// <see cref="ApiKeyFormat.HashSecret"/> of the secret is stored; scopes are space-separated.
/// </summary>
public sealed class AzureAdminKeyStore(TableClient table, TimeProvider time) : IAdminKeyStore
{
    public async Task<CreatedAdminKey> CreateAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (scopes.Count == 0) throw new ArgumentException("an admin key needs at least one scope", nameof(scopes));
        string[] sorted = [.. scopes.Order(StringComparer.Ordinal)];
        DateTimeOffset created = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var (keyId, key) = await KeyRows.AddNewAsync(table, ApiKeyFormat.AdminPrefix, (id, hash) => new AdminKeyEntity
        {
            PartitionKey = DirectoryRows.AdminKeyPartition(id),
            RowKey = DirectoryRows.ApiKeyRow,
            KeyId = id,
            Scopes = string.Join(' ', sorted),
            SecretSha256 = hash,
            CreatedAtTicks = StoredTime.ToTicks(created),
        }, cancellationToken).ConfigureAwait(false);
        return new CreatedAdminKey(new AdminKeyInfo(keyId, sorted, created), key);
    }

    /// <summary>Null for a malformed, unknown or wrong key; the secret is compared in constant time.</summary>
    public async Task<AdminKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken) =>
        await KeyRows.VerifyAsync<AdminKeyEntity>(table, presentedKey, ApiKeyFormat.AdminPrefix, DirectoryRows.AdminKeyPartition, r => r.SecretSha256, cancellationToken).ConfigureAwait(false) is { } row ? ToInfo(row) : null;

    public Task<IReadOnlyList<AdminKeyInfo>> ListAsync(CancellationToken cancellationToken) =>
        KeyRows.ListAsync<AdminKeyEntity, AdminKeyInfo>(table, DirectoryRows.AdminKeyPartitionPrefix, null, ToInfo, k => (k.CreatedAt, k.KeyId), cancellationToken);

    public Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken) =>
        KeyRows.DeleteAsync(table, keyId, DirectoryRows.AdminKeyPartition, cancellationToken);

    private static AdminKeyInfo ToInfo(AdminKeyEntity row) =>
        new(row.KeyId, row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StoredTime.FromTicks(row.CreatedAtTicks));
}
