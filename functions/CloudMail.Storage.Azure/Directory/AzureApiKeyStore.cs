using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Directory;

/// <summary>
/// <see cref="IApiKeyStore"/> in the <see cref="AzureResourceNames.Tables.Directory"/> table, partition
/// <c>apikey:{key id}</c> (<see cref="DirectoryRows"/>): create, verify and revoke are single-row operations on
/// one partition (<see cref="KeyRows"/>); <see cref="ListAsync"/> scans the API-key partitions filtered by domain (admin only). Only
/// <see cref="ApiKeyFormat.HashSecret"/> of the secret is stored.
/// </summary>
public sealed class AzureApiKeyStore(TableClient table, TimeProvider time) : IApiKeyStore
{
    public async Task<CreatedApiKey> CreateAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        string name = domain.Trim().ToLowerInvariant();
        DateTimeOffset created = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var (keyId, key) = await KeyRows.AddNewAsync(table, ApiKeyFormat.Prefix, (id, hash) => new ApiKeyEntity
        {
            PartitionKey = DirectoryRows.ApiKeyPartition(id),
            RowKey = DirectoryRows.ApiKeyRow,
            KeyId = id,
            Domain = name,
            SecretSha256 = hash,
            CreatedAtTicks = StoredTime.ToTicks(created),
        }, cancellationToken).ConfigureAwait(false);
        return new CreatedApiKey(new ApiKeyInfo(keyId, name, created), key);
    }

    /// <summary>Null for a malformed, unknown or wrong key; the secret is compared in constant time.</summary>
    public async Task<ApiKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken) =>
        await KeyRows.VerifyAsync<ApiKeyEntity>(table, presentedKey, ApiKeyFormat.Prefix, DirectoryRows.ApiKeyPartition, r => r.SecretSha256, cancellationToken).ConfigureAwait(false) is { } row ? ToInfo(row) : null;

    /// <summary>Oldest first (then by key id).</summary>
    public Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        string name = domain.Trim().ToLowerInvariant();
        return KeyRows.ListAsync<ApiKeyEntity, ApiKeyInfo>(table, DirectoryRows.ApiKeyPartitionPrefix, TableClient.CreateQueryFilter($"Domain eq {name}"), ToInfo,
            k => (k.CreatedAt, k.KeyId), cancellationToken);
    }

    public Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken) =>
        KeyRows.DeleteAsync(table, keyId, DirectoryRows.ApiKeyPartition, cancellationToken);

    private static ApiKeyInfo ToInfo(ApiKeyEntity row) => new(row.KeyId, row.Domain, StoredTime.FromTicks(row.CreatedAtTicks));
}
