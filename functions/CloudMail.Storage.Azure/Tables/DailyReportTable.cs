using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Failures;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Tables;

/// <summary>
/// A table of daily report counts (TLS-RPT, DMARC aggregate) as both stores lay it out: partition = the UTC day
/// (<c>dYYYYMMDD</c>), so a day is one partition query and old days go by partition; rows of a policy domain share the
/// RowKey prefix <c>{domain}:</c>, the counts of kind <c>{domain}:{kind}:{key}</c> and the mark <c>{domain}:sent</c>. A
/// count is a read-modify-write guarded by the row's ETag, retried when another writer got there first
/// (<see cref="OptimisticRetry"/>): no writer loses another's counts.
/// </summary>
internal sealed class DailyReportTable(TableClient table, int maxConcurrencyAttempts, TimeProvider time, ILogger logger)
{
    private const string Sent = "sent";
    private readonly OptimisticRetry _retry = new(maxConcurrencyAttempts, logger);

    public TableClient Client => table;

    public static string PartitionOf(DateOnly day) => "d" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string RowKey(string domain, string kind, string key) => $"{TableKeys.Escape(domain)}:{kind}:{key}";

    /// <summary>The RowKey prefix of one kind of row of <paramref name="domain"/>.</summary>
    public static string RowPrefix(string domain, string kind) => $"{TableKeys.Escape(domain)}:{kind}:";

    /// <summary>Domains of <paramref name="day"/> with a row of <paramref name="countKind"/> and no sent mark, sorted.</summary>
    public async Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, string countKind, CancellationToken cancellationToken)
    {
        var counted = new SortedSet<string>(StringComparer.Ordinal);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        await foreach (KeyOnlyRow row in table.QueryAsync<KeyOnlyRow>(TableQueries.Partition(PartitionOf(day)), select: KeyOnlyRow.Columns,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            string[] parts = row.RowKey.Split(':');
            string domain = TableKeys.Unescape(parts[0]);
            if (parts is [_, Sent]) sent.Add(domain);
            else if (parts.Length == 3 && parts[1] == countKind) counted.Add(domain);
        }
        counted.ExceptWith(sent);
        return [.. counted];
    }

    /// <summary>Every row (as <typeparamref name="T"/>) of <paramref name="day"/> whose RowKey starts with <paramref name="prefix"/>.</summary>
    public async Task<List<T>> RowsAsync<T>(DateOnly day, string prefix, CancellationToken cancellationToken) where T : TableRow, new()
    {
        var rows = new List<T>();
        await foreach (T row in table.QueryAsync<T>(TableQueries.RowPrefix(PartitionOf(day), prefix), cancellationToken: cancellationToken).ConfigureAwait(false))
            rows.Add(row);
        return rows;
    }

    public Task MarkSentAsync(string domain, DateOnly day, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(new SentRow
        {
            PartitionKey = PartitionOf(day),
            RowKey = TableKeys.Escape(domain) + ":" + Sent,
            SentAtTicks = StoredTime.ToTicks(time.GetUtcNow()),
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey ge {"d"} and PartitionKey lt {PartitionOf(day)}");
        var rows = new List<KeyOnlyRow>();
        await foreach (KeyOnlyRow row in table.QueryAsync<KeyOnlyRow>(filter, select: KeyOnlyRow.Columns, cancellationToken: cancellationToken).ConfigureAwait(false))
            rows.Add(row);
        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
            await table.DeleteRowsAsync(partition, cancellationToken).ConfigureAwait(false);
        return rows.Count;
    }

    /// <summary>Adds to the row (<paramref name="create"/>d when missing) with <paramref name="add"/>, under ETag concurrency.</summary>
    public Task IncrementAsync<T>(string what, DateOnly day, string rowKey, Func<T> create, Action<T> add, CancellationToken cancellationToken)
        where T : TableRow, new()
    {
        string partition = PartitionOf(day);
        return _retry.RunAsync(what, partition, async ct =>
        {
            try
            {
                var existing = await table.GetEntityIfExistsAsync<T>(partition, rowKey, cancellationToken: ct).ConfigureAwait(false);
                if (existing.HasValue && existing.Value is { } row)
                {
                    add(row);
                    await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    return;
                }
                T created = create();
                created.PartitionKey = partition;
                created.RowKey = rowKey;
                add(created);
                await table.AddEntityAsync(created, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.IsConcurrencyFailure())
            {
                throw new ConcurrencyConflict($"{rowKey}: {e.Status}", e);
            }
        }, message => new TransientStorageException(message), cancellationToken);
    }

    /// <summary>The day's report of a domain went out: RowKey <c>{domain}:sent</c>.</summary>
    private sealed class SentRow : TableRow
    {
        public long SentAtTicks { get; set; }
    }
}
