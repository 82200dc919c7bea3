using Azure.Data.Tables;
using CloudMail.Core.TlsReporting;
using CloudMail.Storage.Azure.Tables;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.TlsReports;

/// <summary>
/// <see cref="ITlsReportStore"/> on the <see cref="AzureResourceNames.Tables.TlsReports"/> table, laid out as a
/// <see cref="DailyReportTable"/>: partition = the UTC day; rows of a policy domain <c>{domain}:p:{policy key}</c> (session
/// counts), <c>{domain}:f:{policy key}:{detail key}</c> (failures of one kind), <c>{domain}:sent</c> (the report went out).
/// Counts are ETag-guarded read-modify-writes; a policy count and its failure count are two writes, not one transaction.
/// </summary>
public sealed class AzureTlsReportStore : ITlsReportStore
{
    private const string Policy = "p", Failure = "f";
    private readonly DailyReportTable _days;

    public AzureTlsReportStore(TableClient table, AzureStorageOptions options, TimeProvider time, ILogger<AzureTlsReportStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _days = new DailyReportTable(table, options.MaxConcurrencyAttempts, time, logger);
    }

    public async Task RecordAsync(DateOnly day, TlsSessionResult session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        TlsReportPolicy p = session.Policy;
        string domain = TlsReportPolicy.Normalize(p.PolicyDomain);
        await _days.IncrementAsync("Count TLS session", day, DailyReportTable.RowKey(domain, Policy, p.Key), () => new TlsPolicyEntity
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
        await _days.IncrementAsync("Count TLS session", day, DailyReportTable.RowKey(domain, Failure, p.Key + ":" + f.Key), () => new TlsFailureEntity
        {
            PolicyKey = p.Key,
            ResultType = f.ResultType,
            SendingMtaIp = f.SendingMtaIp,
            ReceivingMxHostname = f.ReceivingMxHostname,
            ReceivingIp = f.ReceivingIp,
            FailureReasonCode = f.FailureReasonCode,
        }, row => row.Sessions++, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken) =>
        _days.UnsentDomainsAsync(day, Policy, cancellationToken);

    public async Task<IReadOnlyList<TlsPolicyTally>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken)
    {
        string domain = TlsReportPolicy.Normalize(policyDomain);
        string policyPrefix = DailyReportTable.RowPrefix(domain, Policy);
        var policies = await _days.RowsAsync<TlsPolicyEntity>(day, policyPrefix, cancellationToken).ConfigureAwait(false);
        var failures = await _days.RowsAsync<TlsFailureEntity>(day, DailyReportTable.RowPrefix(domain, Failure), cancellationToken).ConfigureAwait(false);
        var byPolicy = failures.ToLookup(f => f.PolicyKey, f => new TlsFailureCount(
            new TlsFailureDetail(f.ResultType, f.SendingMtaIp, f.ReceivingMxHostname, f.ReceivingIp, f.FailureReasonCode), f.Sessions));
        return [.. policies.Select(p => new TlsPolicyTally(
                new TlsReportPolicy(TlsReportRows.Type(p.PolicyType), domain, TlsReportRows.FromJson(p.PolicyStrings), TlsReportRows.FromJson(p.MxHosts)),
                p.Successes, p.Failures, TlsReportRows.Sort(byPolicy[p.RowKey[policyPrefix.Length..]])))
            .OrderBy(t => t.Policy.Type.ToWireName(), StringComparer.Ordinal).ThenBy(t => t.Policy.Key, StringComparer.Ordinal)];
    }

    public Task MarkSentAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken) =>
        _days.MarkSentAsync(TlsReportPolicy.Normalize(policyDomain), day, cancellationToken);

    public Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken) => _days.RemoveBeforeAsync(day, cancellationToken);
}
