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

    public async Task<AdminKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presentedKey, ApiKeyFormat.AdminPrefix, out string keyId, out string secret)) return null;
        NullableResponse<AdminKeyEntity> row = await table.GetEntityIfExistsAsync<AdminKeyEntity>(DirectoryRows.AdminKeyPartition(keyId),
            DirectoryRows.ApiKeyRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || !ApiKeyFormat.SecretMatches(secret, row.Value!.SecretSha256)) return null;
        return ToInfo(row.Value);
    }

    public Task<IReadOnlyList<AdminKeyInfo>> ListAsync(CancellationToken cancellationToken) =>
        KeyRows.ListAsync<AdminKeyEntity, AdminKeyInfo>(table, DirectoryRows.AdminKeyPartitionPrefix, null, ToInfo, k => (k.CreatedAt, k.KeyId), cancellationToken);

    public Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken) =>
        KeyRows.DeleteAsync(table, keyId, DirectoryRows.AdminKeyPartition, cancellationToken);

    private static AdminKeyInfo ToInfo(AdminKeyEntity row) =>
        new(row.KeyId, row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StoredTime.FromTicks(row.CreatedAtTicks));
}
