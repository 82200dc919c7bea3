using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Failures;
using CloudMail.Core.TlsReporting;
using CloudMail.Storage.Azure.Tables;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.TlsReports;

/// <summary>
/// <see cref="ITlsReportStore"/> on the <see cref="AzureResourceNames.Tables.TlsReports"/> table. Partition = the UTC day
/// (<c>dYYYYMMDD</c>), so a day is one partition query and old days go by partition. Rows of a policy domain share the
/// RowKey prefix <c>{domain}:</c>: <c>p:{policy key}</c> (session counts), <c>f:{policy key}:{detail key}</c> (failures of one
/// kind), <c>sent</c> (the report went out). A count is a read-modify-write guarded by the row's ETag, retried when another
/// writer got there first (<see cref="OptimisticRetry"/>): no writer loses another's counts; a policy count and its failure
/// count are two writes, not one transaction.
/// </summary>
public sealed class AzureTlsReportStore : ITlsReportStore
{
    private const string Policy = "p", Failure = "f", Sent = "sent";
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly OptimisticRetry _retry;

    public AzureTlsReportStore(TableClient table, AzureStorageOptions options, TimeProvider time, ILogger<AzureTlsReportStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _table = table;
        _time = time;
        _retry = new OptimisticRetry(options.MaxConcurrencyAttempts, logger);
    }

    public async Task RecordAsync(DateOnly day, TlsSessionResult session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        TlsReportPolicy p = session.Policy;
        string partition = PartitionOf(day), domain = TlsReportPolicy.Normalize(p.PolicyDomain);
        await IncrementAsync(partition, RowKey(domain, Policy, p.Key), () => new TlsPolicyEntity
        {
            PolicyType = p.Type.ToWireName(),
            PolicyStrings = TlsReportRows.ToJson(p.PolicyStrings),
            MxHosts = TlsReportRows.ToJson(p.MxHosts),
        }, row =>
        {
            if (session.Succeeded) row.Successes++;
            else row.Failures++;
        }, cancellationToken).ConfigureAwait(false);
        if (session.Failure is not { } f) return;
        await IncrementAsync(partition, RowKey(domain, Failure, p.Key + ":" + f.Key), () => new TlsFailureEntity
        {
            PolicyKey = p.Key,
            ResultType = f.ResultType,
            SendingMtaIp = f.SendingMtaIp,
            ReceivingMxHostname = f.ReceivingMxHostname,
            ReceivingIp = f.ReceivingIp,
            FailureReasonCode = f.FailureReasonCode,
        }, row => row.Sessions++, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var counted = new SortedSet<string>(StringComparer.Ordinal);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        await foreach (KeyOnlyRow row in _table.QueryAsync<KeyOnlyRow>(TableQueries.Partition(PartitionOf(day)), select: KeyOnlyRow.Columns,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            string[] parts = row.RowKey.Split(':');
            string domain = TableKeys.Unescape(parts[0]);
            if (parts is [_, Sent]) sent.Add(domain);
            else if (parts is [_, Policy, _]) counted.Add(domain);
        }
        counted.ExceptWith(sent);
        return [.. counted];
    }

    public async Task<IReadOnlyList<TlsPolicyTally>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken)
    {
        string domain = TlsReportPolicy.Normalize(policyDomain);
        string partition = PartitionOf(day), prefix = TableKeys.Escape(domain) + ":";
        var policies = new List<TlsPolicyEntity>();
        await foreach (TlsPolicyEntity row in _table.QueryAsync<TlsPolicyEntity>(TableQueries.RowPrefix(partition, prefix + Policy + ":"),
                           cancellationToken: cancellationToken).ConfigureAwait(false))
            policies.Add(row);
        var details = new List<(string PolicyKey, TlsFailureCount Count)>();
        await foreach (TlsFailureEntity f in _table.QueryAsync<TlsFailureEntity>(TableQueries.RowPrefix(partition, prefix + Failure + ":"),
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            details.Add((f.PolicyKey, new TlsFailureCount(
                new TlsFailureDetail(f.ResultType, f.SendingMtaIp, f.ReceivingMxHostname, f.ReceivingIp, f.FailureReasonCode), f.Sessions)));
        }
        var byPolicy = details.ToLookup(d => d.PolicyKey, d => d.Count);
        return [.. policies.Select(p => new TlsPolicyTally(
                new TlsReportPolicy(TlsReportRows.Type(p.PolicyType), domain, TlsReportRows.FromJson(p.PolicyStrings), TlsReportRows.FromJson(p.MxHosts)),
                p.Successes, p.Failures, TlsReportRows.Sort(byPolicy[p.RowKey[(prefix.Length + Policy.Length + 1)..]])))
            .OrderBy(t => t.Policy.Type.ToWireName(), StringComparer.Ordinal).ThenBy(t => t.Policy.Key, StringComparer.Ordinal)];
    }

    public Task MarkSentAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken)
    {
        string domain = TlsReportPolicy.Normalize(policyDomain);
        var row = new TlsSentEntity
        {
            PartitionKey = PartitionOf(day),
            RowKey = TableKeys.Escape(domain) + ":" + Sent,
            SentAtTicks = StoredTime.ToTicks(_time.GetUtcNow()),
        };
        return _table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey ge {"d"} and PartitionKey lt {PartitionOf(day)}");
        var rows = new List<KeyOnlyRow>();
        await foreach (KeyOnlyRow row in _table.QueryAsync<KeyOnlyRow>(filter, select: KeyOnlyRow.Columns, cancellationToken: cancellationToken).ConfigureAwait(false))
            rows.Add(row);
        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
            await _table.DeleteRowsAsync(partition, cancellationToken).ConfigureAwait(false);
        return rows.Count;
    }

    private Task IncrementAsync<T>(string partition, string rowKey, Func<T> create, Action<T> add, CancellationToken cancellationToken)
        where T : TableRow, new() =>
        _retry.RunAsync("Count TLS session", partition, async ct =>
        {
            try
            {
                var existing = await _table.GetEntityIfExistsAsync<T>(partition, rowKey, cancellationToken: ct).ConfigureAwait(false);
                if (existing.HasValue && existing.Value is { } row)
                {
                    add(row);
                    await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    return;
                }
                T created = create();
                created.PartitionKey = partition;
                created.RowKey = rowKey;
                add(created);
                await _table.AddEntityAsync(created, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.IsConcurrencyFailure())
            {
                throw new ConcurrencyConflict($"{rowKey}: {e.Status}", e);
            }
        }, message => new TransientStorageException(message), cancellationToken);

    private static string PartitionOf(DateOnly day) => "d" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string RowKey(string domain, string kind, string key) => $"{TableKeys.Escape(domain)}:{kind}:{key}";
}
