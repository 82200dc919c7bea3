using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.SenderLists;

/// <summary>
/// <see cref="ISenderListStore"/> in the <see cref="AzureResourceNames.Tables.SenderLists"/> table: partition =
/// <c>s:</c> + the escaped scope (so the server's empty scope is a partition too), row = kind + <c>:</c> + the escaped
/// pattern; reading one scope is one partition query.
/// </summary>
public sealed class AzureSenderListStore(TableClient table) : ISenderListStore
{
    public async Task<bool> AddAsync(SenderListEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = new SenderListEntity
        {
            PartitionKey = Partition(entry.Scope),
            RowKey = Row(entry.Kind, entry.Pattern),
            Scope = entry.Scope,
            Kind = entry.Kind.ToString(),
            Pattern = entry.Pattern,
            AddedAtTicks = StoredTime.ToTicks(entry.AddedAt),
        };
        try
        {
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
        {
            return false;
        }
    }

    public async Task<bool> RemoveAsync(string scope, SenderListKind kind, string pattern, CancellationToken cancellationToken)
    {
        Response response = await table.DeleteEntityAsync(Partition(scope), Row(kind, pattern), ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != TableErrors.NotFound;
    }

    public Task<IReadOnlyList<SenderListEntry>> ListAsync(string scope, CancellationToken cancellationToken)
    {
        string partition = Partition(scope);
        return QueryAsync(table.QueryAsync<SenderListEntity>(r => r.PartitionKey == partition, cancellationToken: cancellationToken));
    }

    public Task<IReadOnlyList<SenderListEntry>> ListAllAsync(CancellationToken cancellationToken) =>
        QueryAsync(table.QueryAsync<SenderListEntity>(cancellationToken: cancellationToken));

    private static async Task<IReadOnlyList<SenderListEntry>> QueryAsync(AsyncPageable<SenderListEntity> rows)
    {
        var entries = new List<SenderListEntry>();
        await foreach (SenderListEntity row in rows.ConfigureAwait(false))
        {
            if (Enum.TryParse(row.Kind, out SenderListKind kind)) entries.Add(new SenderListEntry(row.Scope, kind, row.Pattern, StoredTime.FromTicks(row.AddedAtTicks)));
        }
        return [.. entries.OrderBy(e => e.Scope, StringComparer.Ordinal).ThenBy(e => e.Kind).ThenBy(e => e.Pattern, StringComparer.Ordinal)];
    }

    private static string Partition(string scope) => "s:" + TableKeys.Escape(scope);

    private static string Row(SenderListKind kind, string pattern) => kind + ":" + TableKeys.Escape(pattern);
}

/// <summary>One sender-list entry (<see cref="AzureSenderListStore"/>).</summary>
internal sealed class SenderListEntity : TableRow
{
    public string Scope { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Pattern { get; set; } = "";
    public long AddedAtTicks { get; set; }
}
