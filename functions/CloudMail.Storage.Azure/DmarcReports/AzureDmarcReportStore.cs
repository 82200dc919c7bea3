using Azure.Data.Tables;
using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Storage.Azure.Tables;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.DmarcReports;

/// <summary>
/// <see cref="IDmarcReportStore"/> on the <see cref="AzureResourceNames.Tables.DmarcReports"/> table, laid out as a
/// <see cref="DailyReportTable"/>: partition = the UTC day; rows <c>{domain}:r:{result key}</c> (message counts) and
/// <c>{domain}:sent</c> (the report went out). A count is an ETag-guarded read-modify-write.
/// </summary>
public sealed class AzureDmarcReportStore : IDmarcReportStore
{
    private const string Row = "r";
    private readonly DailyReportTable _days;

    public AzureDmarcReportStore(TableClient table, AzureStorageOptions options, TimeProvider time, ILogger<AzureDmarcReportStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _days = new DailyReportTable(table, options.MaxConcurrencyAttempts, time, logger);
    }

    public Task RecordAsync(DateOnly day, DmarcMessageResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        string domain = DmarcReportRows.Normalize(result.PolicyDomain);
        return _days.IncrementAsync("Count DMARC result", day, DailyReportTable.RowKey(domain, Row, result.Key), () => new DmarcRowEntity
        {
            SourceIp = result.SourceIp,
            HeaderFrom = result.HeaderFrom,
            EnvelopeFrom = result.EnvelopeFrom,
            Disposition = DmarcRecord.Keyword(result.Disposition),
            DkimAligned = result.DkimAligned,
            SpfAligned = result.SpfAligned,
            DkimResults = DmarcReportRows.DkimToJson(result.Dkim),
            SpfDomain = result.Spf.Domain,
            SpfScope = result.Spf.Scope,
            SpfResult = result.Spf.Result,
            Reasons = DmarcReportRows.ReasonsToJson(result.OverrideReasons),
        }, row => row.Messages++, cancellationToken);
    }

    public Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken) =>
        _days.UnsentDomainsAsync(day, Row, cancellationToken);

    public async Task<IReadOnlyList<DmarcResultCount>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken)
    {
        string domain = DmarcReportRows.Normalize(policyDomain);
        var rows = await _days.RowsAsync<DmarcRowEntity>(day, DailyReportTable.RowPrefix(domain, Row), cancellationToken).ConfigureAwait(false);
        return DmarcReportRows.Sort(rows.Select(r => new DmarcResultCount(new DmarcMessageResult(domain, r.SourceIp, r.HeaderFrom, r.EnvelopeFrom,
            DmarcReportRows.Disposition(r.Disposition), r.DkimAligned, r.SpfAligned, DmarcReportRows.DkimFromJson(r.DkimResults),
            new DmarcSpfResult(r.SpfDomain, r.SpfScope, r.SpfResult), DmarcReportRows.ReasonsFromJson(r.Reasons)), r.Messages)));
    }

    public Task MarkSentAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken) =>
        _days.MarkSentAsync(DmarcReportRows.Normalize(policyDomain), day, cancellationToken);

    public Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken) => _days.RemoveBeforeAsync(day, cancellationToken);
}

/// <summary>Messages with one result: RowKey <c>{domain}:r:{result key}</c>.</summary>
internal sealed class DmarcRowEntity : TableRow
{
    public string SourceIp { get; set; } = "";
    public string HeaderFrom { get; set; } = "";
    public string EnvelopeFrom { get; set; } = "";
    public string Disposition { get; set; } = "none";
    public bool DkimAligned { get; set; }
    public bool SpfAligned { get; set; }

    /// <summary>JSON array of [domain, selector, result].</summary>
    public string DkimResults { get; set; } = "[]";
    public string SpfDomain { get; set; } = "";
    public string SpfScope { get; set; } = "";
    public string SpfResult { get; set; } = "";

    /// <summary>JSON array of [type, comment]: the policy_evaluated reasons; empty (rows written before them) for none.</summary>
    public string Reasons { get; set; } = "";
    public long Messages { get; set; }
}
