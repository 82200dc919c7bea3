using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Dmarc;
using CloudMail.Core.Queue;
using CloudMail.Core.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.DmarcReporting;

/// <summary>
/// The daily job of DMARC aggregate reporting (RFC 7489 §7.2): for each policy domain with unsent counts for a due day
/// (<see cref="DailyReportSchedule"/>), looks up its <c>_dmarc</c> record; the record's <c>rua=mailto:</c> destinations
/// get the Appendix C XML, gzipped, in a §7.2.1.1 mail (<see cref="DmarcReportMessage"/>) through the accept path
/// (<see cref="ReportMail"/>), from the configured address. A destination is skipped when the gzipped report is larger
/// than its <c>!size</c> limit (§6.2), or when it lies outside the policy domain's organization and does not publish the
/// §7.1 authorization record. A domain with no record, no rua= or no destination left is marked done without a report; a
/// DNS failure leaves it for the next run (<see cref="DailyReportJob"/>).
/// </summary>
public sealed partial class DmarcReportSender(IDmarcReportStore store, IDmarcReportDns dns, IMessageBlobStore blobs, IMailQueue queue,
    BounceSubmitter bounces, IOptions<DmarcReportingOptions> options, TimeProvider time, ILogger<DmarcReportSender> logger)
    : DailyReportJob(store, time, logger)
{
    private const string Label = "cloudmail/dmarc-aggregate/v1";
    private readonly ReportMail _mail = new(blobs, queue, bounces, time);

    /// <summary>The address reports come from: <see cref="DmarcReportingOptions.From"/>, else <c>dmarc-noreply@</c> the reporting MTA.</summary>
    public string From => options.Value.From is { Length: > 0 } from ? from : "dmarc-noreply@" + _mail.ReportingMta;

    /// <summary>The receiver domain (§7.2.1.1): the domain of <see cref="From"/>, lower-case.</summary>
    public string Receiver => From[(From.LastIndexOf('@') + 1)..].ToLowerInvariant();

    public override string Kind => "DMARC";

    public override bool Enabled => options.Value.Enabled;

    protected override int SendHourUtc => options.Value.SendHourUtc;

    protected override int RetentionDays => options.Value.RetentionDays;

    protected override async Task<bool?> SendDomainAsync(string domain, DateOnly day, CancellationToken cancellationToken)
    {
        DmarcPolicyLookup found = await dns.PolicyAsync(domain, cancellationToken).ConfigureAwait(false);
        if (found.TemporaryFailure) return null;
        if (found.Record is not { AggregateReportUris.Count: > 0 } record) return false;
        var rows = await store.GetAsync(domain, day, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return false;
        DmarcAggregateReport report = Build(domain, record, day, rows);
        byte[] gzipped = ReportMail.Gzip(report.ToXml());
        var to = new List<string>();
        foreach (DmarcReportUri uri in record.AggregateReportUris)
        {
            if (uri.MaxBytes is { } max && gzipped.Length > max)
            {
                LogTooLarge(domain, uri.Address, gzipped.Length, max);
                continue;
            }
            bool? accepts = await dns.AcceptsReportsAsync(domain, uri.Domain, cancellationToken).ConfigureAwait(false);
            if (accepts is null) return null;
            if (accepts.Value) to.Add(uri.Address);
            else LogUnauthorized(domain, uri.Address);
        }
        if (to.Count == 0) return false;
        string from = From;
        string id = await _mail.SubmitAsync(Label, report.ReportId, to,
            now => DmarcReportMessage.Compose(report, gzipped, from, to, now), cancellationToken).ConfigureAwait(false);
        LogSent(domain, day, id, to.Count, rows.Count);
        return true;
    }

    /// <summary>The report of <paramref name="domain"/> for <paramref name="day"/>, with the configured names.</summary>
    public DmarcAggregateReport Build(string domain, DmarcRecord published, DateOnly day, IReadOnlyList<DmarcResultCount> rows)
    {
        string receiver = Receiver;
        string org = options.Value.OrgName is { Length: > 0 } name ? name : receiver;
        return new DmarcAggregateReport(org, From, receiver, DmarcReportRows.Normalize(domain), published, day, rows);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DMARC report for {Domain} of {Day} submitted as {MessageId} to {Count} address(es), {Rows} row(s)")]
    private partial void LogSent(string domain, DateOnly day, string messageId, int count, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "DMARC report for {Domain} not sent to {Address}: {Size} bytes exceed its limit of {Max} (RFC 7489 §6.2)")]
    private partial void LogTooLarge(string domain, string address, int size, long max);

    [LoggerMessage(Level = LogLevel.Information, Message = "DMARC report for {Domain} not sent to {Address}: that domain does not accept reports for it (RFC 7489 §7.1)")]
    private partial void LogUnauthorized(string domain, string address);
}
