using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Directory;

/// <summary>
/// <see cref="IAdminKeyStore"/> in the <see cref="AzureResourceNames.Tables.Directory"/> table, partition
/// <c>adminkey:{key id}</c> (<see cref="DirectoryRows"/>): create, verify and revoke are single-row operations;
/// <see cref="ListAsync"/> scans the admin-key partitions. Only <see cref="ApiKeyFormat.HashSecret"/> of the secret is stored.
/// </summary>
public sealed class AzureAdminKeyStore(TableClient table, TimeProvider time) : IAdminKeyStore
{
    public async Task<CreatedAdminKey> CreateAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (scopes.Count == 0) throw new ArgumentException("an admin key needs at least one scope", nameof(scopes));
        string[] sorted = [.. scopes.Order(StringComparer.Ordinal)];
        DateTimeOffset created = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        while (true)
        {
            var (keyId, secret, key) = ApiKeyFormat.NewKey(ApiKeyFormat.AdminPrefix);
            var row = new AdminKeyEntity
            {
                PartitionKey = DirectoryRows.AdminKeyPartition(keyId),
                RowKey = DirectoryRows.ApiKeyRow,
                KeyId = keyId,
                Scopes = string.Join(' ', sorted),
                SecretSha256 = ApiKeyFormat.HashSecret(secret),
                CreatedAtTicks = StoredTime.ToTicks(created),
            };
            try
            {
                await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                return new CreatedAdminKey(new AdminKeyInfo(keyId, sorted, created), key);
            }
            catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
            {
                // A 64-bit key id collided; draw another.
            }
        }
    }

    public async Task<AdminKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presentedKey, ApiKeyFormat.AdminPrefix, out string keyId, out string secret)) return null;
        NullableResponse<AdminKeyEntity> row = await table.GetEntityIfExistsAsync<AdminKeyEntity>(DirectoryRows.AdminKeyPartition(keyId),
            DirectoryRows.ApiKeyRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || !ApiKeyFormat.SecretMatches(secret, row.Value!.SecretSha256)) return null;
        return ToInfo(row.Value);
    }

    public async Task<IReadOnlyList<AdminKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {DirectoryRows.AdminKeyPartitionPrefix} and PartitionKey lt {TableKeys.UpperBound(DirectoryRows.AdminKeyPartitionPrefix)}");
        var keys = new List<AdminKeyInfo>();
        await foreach (AdminKeyEntity row in table.QueryAsync<AdminKeyEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(ToInfo(row));
        }
        keys.Sort((a, b) => a.CreatedAt.CompareTo(b.CreatedAt) is var byTime and not 0 ? byTime : string.CompareOrdinal(a.KeyId, b.KeyId));
        return keys;
    }

    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsKeyId(keyId)) return false;
        Response response = await table.DeleteEntityAsync(DirectoryRows.AdminKeyPartition(keyId), DirectoryRows.ApiKeyRow, ETag.All, cancellationToken)
            .ConfigureAwait(false);
        return response.Status != TableErrors.NotFound;
    }

    private static AdminKeyInfo ToInfo(AdminKeyEntity row) =>
        new(row.KeyId, row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StoredTime.FromTicks(row.CreatedAtTicks));
}
