using Azure;
using Azure.Data.Tables;
using CloudMail.Core.SendApi;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Directory;

/// <summary>
/// The Table operations both key stores (<see cref="AzureApiKeyStore"/>, <see cref="AzureAdminKeyStore"/>) make on their
/// one-row partitions <c>{prefix}{key id}</c> / <see cref="DirectoryRows.ApiKeyRow"/>.
/// </summary>
internal static class KeyRows
{
    /// <summary>
    /// Adds the row <paramref name="build"/> makes from a new key's id and secret hash (<see cref="ApiKeyFormat.NewKey(string)"/> with
    /// <paramref name="keyPrefix"/>), drawing another id when one collides; returns the key id and the plaintext key.
    /// </summary>
    public static async Task<(string KeyId, string Key)> AddNewAsync<TRow>(TableClient table, string keyPrefix, Func<string, string, TRow> build,
        CancellationToken cancellationToken) where TRow : class, ITableEntity
    {
        while (true)
        {
            var (keyId, secret, key) = ApiKeyFormat.NewKey(keyPrefix);
            try
            {
                await table.AddEntityAsync(build(keyId, ApiKeyFormat.HashSecret(secret)), cancellationToken).ConfigureAwait(false);
                return (keyId, key);
            }
            catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
            {
                // A 64-bit key id collided; draw another.
            }
        }
    }

    /// <summary>
    /// The row of <paramref name="presentedKey"/> when it is a well-formed key with <paramref name="keyPrefix"/> whose secret matches
    /// the row's stored hash (compared in constant time); null otherwise.
    /// </summary>
    public static async Task<TRow?> VerifyAsync<TRow>(TableClient table, string presentedKey, string keyPrefix, Func<string, string> partition,
        Func<TRow, string> storedHash, CancellationToken cancellationToken) where TRow : class, ITableEntity
    {
        if (!ApiKeyFormat.TryParse(presentedKey, keyPrefix, out string keyId, out string secret)) return null;
        NullableResponse<TRow> row = await table.GetEntityIfExistsAsync<TRow>(partition(keyId), DirectoryRows.ApiKeyRow, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && ApiKeyFormat.SecretMatches(secret, storedHash(row.Value!)) ? row.Value : null;
    }

    /// <summary>
    /// Every row of the partitions starting with <paramref name="partitionPrefix"/> (and matching <paramref name="andFilter"/>,
    /// an OData filter built with <see cref="TableClient.CreateQueryFilter(FormattableString)"/>) as <typeparamref name="TInfo"/>,
    /// oldest first, then by key id.
    /// </summary>
    public static async Task<IReadOnlyList<TInfo>> ListAsync<TRow, TInfo>(TableClient table, string partitionPrefix, string? andFilter,
        Func<TRow, TInfo> info, Func<TInfo, (DateTimeOffset CreatedAt, string KeyId)> order, CancellationToken cancellationToken) where TRow : class, ITableEntity
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey ge {partitionPrefix} and PartitionKey lt {TableKeys.UpperBound(partitionPrefix)}");
        if (andFilter is not null) filter += " and " + andFilter;
        var keys = new List<TInfo>();
        await foreach (TRow row in table.QueryAsync<TRow>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(info(row));
        }
        return [.. keys.OrderBy(k => order(k).CreatedAt).ThenBy(k => order(k).KeyId, StringComparer.Ordinal)];
    }

    /// <summary>Deletes the row of <paramref name="partition"/>; false when there was none or <paramref name="keyId"/> is malformed.</summary>
    public static async Task<bool> DeleteAsync(TableClient table, string keyId, Func<string, string> partition, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsKeyId(keyId)) return false;
        Response response = await table.DeleteEntityAsync(partition(keyId), DirectoryRows.ApiKeyRow, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != TableErrors.NotFound;
    }
}
