using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Directory;

/// <summary>
/// <see cref="IApiKeyStore"/> in the <see cref="AzureResourceNames.Tables.Directory"/> table, partition
/// <c>apikey:{key id}</c> (<see cref="DirectoryRows"/>): create, verify and revoke are single-row operations on
/// one partition; <see cref="ListAsync"/> scans the API-key partitions filtered by domain (admin only). Only
/// <see cref="ApiKeyFormat.HashSecret"/> of the secret is stored.
/// </summary>
public sealed class AzureApiKeyStore(TableClient table, TimeProvider time) : IApiKeyStore
{
    public async Task<CreatedApiKey> CreateAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        string name = domain.Trim().ToLowerInvariant();
        DateTimeOffset created = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        while (true)
        {
            var (keyId, secret, key) = ApiKeyFormat.NewKey();
            var row = new ApiKeyEntity
            {
                PartitionKey = DirectoryRows.ApiKeyPartition(keyId),
                RowKey = DirectoryRows.ApiKeyRow,
                KeyId = keyId,
                Domain = name,
                SecretSha256 = ApiKeyFormat.HashSecret(secret),
                CreatedAtTicks = StoredTime.ToTicks(created),
            };
            try
            {
                await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                return new CreatedApiKey(new ApiKeyInfo(keyId, name, created), key);
            }
            catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
            {
                // A 64-bit key id collided; draw another.
            }
        }
    }

    /// <summary>Null for a malformed, unknown or wrong key; the secret is compared in constant time.</summary>
    public async Task<ApiKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presentedKey, out string keyId, out string secret)) return null;
        NullableResponse<ApiKeyEntity> row = await table.GetEntityIfExistsAsync<ApiKeyEntity>(DirectoryRows.ApiKeyPartition(keyId),
            DirectoryRows.ApiKeyRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || !ApiKeyFormat.SecretMatches(secret, row.Value!.SecretSha256)) return null;
        return ToInfo(row.Value);
    }

    /// <summary>Oldest first (then by key id).</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        string name = domain.Trim().ToLowerInvariant();
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {DirectoryRows.ApiKeyPartitionPrefix} and PartitionKey lt {TableKeys.UpperBound(DirectoryRows.ApiKeyPartitionPrefix)} and Domain eq {name}");
        var keys = new List<ApiKeyInfo>();
        await foreach (ApiKeyEntity row in table.QueryAsync<ApiKeyEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(ToInfo(row));
        }
        keys.Sort((a, b) => a.CreatedAt.CompareTo(b.CreatedAt) is var byTime and not 0 ? byTime : string.CompareOrdinal(a.KeyId, b.KeyId));
        return keys;
    }

    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsKeyId(keyId)) return false;
        Response response = await table.DeleteEntityAsync(DirectoryRows.ApiKeyPartition(keyId), DirectoryRows.ApiKeyRow, ETag.All, cancellationToken)
            .ConfigureAwait(false);
        return response.Status != TableErrors.NotFound;
    }

    private static ApiKeyInfo ToInfo(ApiKeyEntity row) => new(row.KeyId, row.Domain, StoredTime.FromTicks(row.CreatedAtTicks));
}
