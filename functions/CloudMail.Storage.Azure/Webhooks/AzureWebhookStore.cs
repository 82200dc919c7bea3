using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Events;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Webhooks;

/// <summary>
/// <see cref="IWebhookStore"/> in the <see cref="AzureResourceNames.Tables.Webhooks"/> table: partition = <c>s:</c> + the
/// escaped scope, row = the id; reading one scope (what the publisher does per message, cached) is one partition query.
/// <see cref="GetAsync"/> and <see cref="RemoveAsync"/> find a row by id across partitions (a scan of a table that holds
/// a handful of rows per domain, read once per event). Ids are random, so two scopes never share one. The secret is
/// stored as it is (it signs), like the DKIM keys.
/// </summary>
public sealed class AzureWebhookStore(TableClient table) : IWebhookStore
{
    public async Task<bool> AddAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (await FindAsync(subscription.Id, cancellationToken).ConfigureAwait(false) is not null) return false;
        var row = new WebhookEntity
        {
            PartitionKey = Partition(subscription.Scope),
            RowKey = TableKeys.Escape(subscription.Id),
            Id = subscription.Id,
            Scope = subscription.Scope,
            Url = subscription.Url,
            Secret = subscription.Secret,
            Events = MailEventTypes.Format(subscription.Events),
            CreatedAtTicks = StoredTime.ToTicks(subscription.CreatedAt),
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

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        WebhookEntity? row = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (row is null) return false;
        Response response = await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != TableErrors.NotFound;
    }

    public async Task<WebhookSubscription?> GetAsync(string id, CancellationToken cancellationToken) =>
        await FindAsync(id, cancellationToken).ConfigureAwait(false) is { } row ? ToSubscription(row) : null;

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string scope, CancellationToken cancellationToken)
    {
        string partition = Partition(scope);
        return [.. (await QueryAsync(table.QueryAsync<WebhookEntity>(r => r.PartitionKey == partition, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .OrderBy(s => s.Id, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAllAsync(CancellationToken cancellationToken) =>
        [.. (await QueryAsync(table.QueryAsync<WebhookEntity>(cancellationToken: cancellationToken)).ConfigureAwait(false))
            .OrderBy(s => s.Scope, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal)];

    private async Task<WebhookEntity?> FindAsync(string id, CancellationToken cancellationToken)
    {
        string rowKey = TableKeys.Escape(id);
        await foreach (WebhookEntity row in table.QueryAsync<WebhookEntity>(r => r.RowKey == rowKey, cancellationToken: cancellationToken).ConfigureAwait(false))
            return row;
        return null;
    }

    private static async Task<List<WebhookSubscription>> QueryAsync(AsyncPageable<WebhookEntity> rows)
    {
        var subscriptions = new List<WebhookSubscription>();
        await foreach (WebhookEntity row in rows.ConfigureAwait(false)) subscriptions.Add(ToSubscription(row));
        return subscriptions;
    }

    private static WebhookSubscription ToSubscription(WebhookEntity row) =>
        new(row.Id, row.Scope, row.Url, row.Secret, MailEventTypes.TryParseList(row.Events, out var events, out _) ? events : [],
            StoredTime.FromTicks(row.CreatedAtTicks));

    private static string Partition(string scope) => "s:" + TableKeys.Escape(scope);
}

/// <summary>One webhook subscription (<see cref="AzureWebhookStore"/>).</summary>
internal sealed class WebhookEntity : TableRow
{
    public string Id { get; set; } = "";
    public string Scope { get; set; } = "";
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
    public string Events { get; set; } = "";
    public long CreatedAtTicks { get; set; }
}
