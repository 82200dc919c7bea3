using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Directory;

/// <summary>
/// <see cref="IDkimKeyStore"/> in the <see cref="AzureResourceNames.Tables.DkimKeys"/> table: partition = domain,
/// row = selector, so every operation stays in one partition. A row holds either a Key Vault key
/// (<see cref="DkimKey.RemoteKeyId"/> and <see cref="DkimKey.PublicKey"/>, no private key: what <c>cloudmail dkim
/// generate</c> makes when a vault is configured) or, for rows made before that (or without a vault), the PEM private key
/// as a string property that anyone with data access to the storage account can read. Both kinds sign.
/// </summary>
public sealed class AzureDkimKeyStore(TableClient table) : IDkimKeyStore
{
    /// <summary>Throws <see cref="DirectoryConflictException"/> when the domain already has the selector.</summary>
    public async Task AddAsync(DkimKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        string domain = DirectoryKeys.Domain(key.Domain);
        string selector = DkimSelector.Normalize(key.Selector);
        var row = new DkimKeyEntity
        {
            PartitionKey = TableKeys.Escape(domain),
            RowKey = selector,
            Domain = domain,
            Selector = selector,
            Algorithm = key.Algorithm.ToString(),
            PrivateKeyPem = key.PrivateKeyPem,
            RemoteKeyId = key.RemoteKeyId,
            PublicKey = key.PublicKey,
            CreatedAtTicks = StoredTime.ToTicks(key.CreatedAt),
            Active = key.Active,
        };
        try
        {
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
        {
            throw new DirectoryConflictException($"Domain '{domain}' already has a DKIM key with selector '{selector}'.");
        }
    }

    /// <summary>Oldest first, then by selector.</summary>
    public async Task<IReadOnlyList<DkimKey>> ListAsync(string domain, CancellationToken cancellationToken)
    {
        List<DkimKey> keys = await QueryAsync(domain, cancellationToken).ConfigureAwait(false);
        keys.Sort((a, b) => a.CreatedAt.CompareTo(b.CreatedAt) is var byTime and not 0 ? byTime : string.CompareOrdinal(a.Selector, b.Selector));
        return keys;
    }

    /// <summary>Newest first, then by selector.</summary>
    public async Task<IReadOnlyList<DkimKey>> ActiveKeysAsync(string domain, CancellationToken cancellationToken)
    {
        List<DkimKey> keys = (await QueryAsync(domain, cancellationToken).ConfigureAwait(false)).FindAll(k => k.Active);
        keys.Sort((a, b) => b.CreatedAt.CompareTo(a.CreatedAt) is var byTime and not 0 ? byTime : string.CompareOrdinal(a.Selector, b.Selector));
        return keys;
    }

    public async Task<bool> DeactivateAsync(string domain, string selector, CancellationToken cancellationToken)
    {
        if (!TryKeys(domain, selector, out string partition, out string row)) return false;
        var change = new TableEntity(partition, row) { [nameof(DkimKeyEntity.Active)] = false };
        try
        {
            await table.UpdateEntityAsync(change, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.NotFound)
        {
            return false;
        }
    }

    public async Task<bool> RemoveAsync(string domain, string selector, CancellationToken cancellationToken)
    {
        if (!TryKeys(domain, selector, out string partition, out string row)) return false;
        Response response = await table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != TableErrors.NotFound;
    }

    private async Task<List<DkimKey>> QueryAsync(string domain, CancellationToken cancellationToken)
    {
        string partition = TableKeys.Escape(DirectoryKeys.Domain(domain));
        var keys = new List<DkimKey>();
        await foreach (DkimKeyEntity row in table.QueryAsync<DkimKeyEntity>(r => r.PartitionKey == partition, cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            keys.Add(new DkimKey(row.Domain, row.Selector, Enum.Parse<DkimAlgorithm>(row.Algorithm), row.PrivateKeyPem,
                StoredTime.FromTicks(row.CreatedAtTicks), row.Active) { RemoteKeyId = row.RemoteKeyId, PublicKey = row.PublicKey });
        }
        return keys;
    }

    private static bool TryKeys(string domain, string selector, out string partition, out string row)
    {
        partition = TableKeys.Escape(DirectoryKeys.Domain(domain));
        row = selector?.Trim().ToLowerInvariant() ?? "";
        return DkimSelector.IsValid(row);
    }
}

/// <summary>One DKIM key (<see cref="AzureDkimKeyStore"/>).</summary>
internal sealed class DkimKeyEntity : TableRow
{
    public string Domain { get; set; } = "";
    public string Selector { get; set; } = "";
    public string Algorithm { get; set; } = "";
    public string PrivateKeyPem { get; set; } = "";
    /// <summary>The Key Vault key id of a vault key; null (absent) in PEM rows.</summary>
    public string? RemoteKeyId { get; set; }
    /// <summary>The public key (base64 SubjectPublicKeyInfo) of a vault key; null (absent) in PEM rows.</summary>
    public string? PublicKey { get; set; }
    public long CreatedAtTicks { get; set; }
    public bool Active { get; set; }
}
