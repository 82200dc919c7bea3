using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Core.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.TlsReporting;

/// <summary>
/// The daily job of TLS reporting (RFC 8460 §5): for each policy domain with unsent counts for a due day
/// (<see cref="DailyReportSchedule"/>), looks up its <c>_smtp._tls</c> policy; a domain without one (or with https
/// destinations only, which CloudMail does not post to) is marked done without a report; otherwise the §4.4 JSON goes,
/// gzipped, in a §5.3 mail (<see cref="TlsReportMessage"/>) to every <c>mailto:</c> destination through the accept path
/// (<see cref="ReportMail"/>). Then the day is marked sent; a DNS failure leaves the domain for the next run
/// (<see cref="DailyReportJob"/>).
/// </summary>
public sealed partial class TlsReportSender(ITlsReportStore store, ITlsRptRecordLookup lookup, IMessageBlobStore blobs, IMailQueue queue,
    BounceSubmitter bounces, IOptions<TlsReportingOptions> options, TimeProvider time, ILogger<TlsReportSender> logger)
    : DailyReportJob(store, time, logger)
{
    private const string Label = "cloudmail/tlsrpt/v1";
    private readonly ReportMail _mail = new(blobs, queue, bounces, time);

    /// <summary>The domain reports are submitted as: <see cref="TlsReportingOptions.SubmitterDomain"/>, else the reporting MTA's name.</summary>
    public string Submitter => options.Value.SubmitterDomain is { Length: > 0 } domain ? domain.ToLowerInvariant() : bounces.ReportingMta;

    public override string Kind => "TLS";

    public override bool Enabled => options.Value.Enabled;

    protected override int SendHourUtc => options.Value.SendHourUtc;

    protected override int RetentionDays => options.Value.RetentionDays;

    protected override async Task<bool?> SendDomainAsync(string domain, DateOnly day, CancellationToken cancellationToken)
    {
        TlsRptLookup found = await lookup.LookupAsync(domain, cancellationToken).ConfigureAwait(false);
        if (found.TemporaryFailure) return null;
        if (found.Record is not { MailtoAddresses.Count: > 0 } record)
        {
            if (found.Record is not null) LogHttpsOnly(domain);
            return false;
        }
        var tallies = await store.GetAsync(domain, day, cancellationToken).ConfigureAwait(false);
        if (tallies.Count == 0) return false;
        TlsReport report = Build(domain, day, tallies);
        string id = await SubmitAsync(report, record.MailtoAddresses, cancellationToken).ConfigureAwait(false);
        LogSent(domain, day, id, record.MailtoAddresses.Count);
        return true;
    }

    /// <summary>The report of <paramref name="domain"/> for <paramref name="day"/> from <paramref name="tallies"/>, with the configured names.</summary>
    public TlsReport Build(string domain, DateOnly day, IReadOnlyList<TlsPolicyTally> tallies)
    {
        TlsReportingOptions o = options.Value;
        string submitter = Submitter;
        return new TlsReport(
            o.OrganizationName is { Length: > 0 } organization ? organization : submitter,
            o.ContactInfo is { Length: > 0 } contact ? contact : "postmaster@" + submitter,
            submitter, domain, day, tallies);
    }

    /// <summary>The message id of a report's mail: 28 hex digits of SHA-256 of its report id (see <see cref="MessageIds.IsValid"/>).</summary>
    public static string IdOf(TlsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ReportMail.IdOf(Label, report.ReportId);
    }

    private Task<string> SubmitAsync(TlsReport report, IReadOnlyList<string> to, CancellationToken cancellationToken) =>
        _mail.SubmitAsync(Label, report.ReportId, to,
            now => TlsReportMessage.Compose(report, $"{options.Value.FromLocalPart}@{report.Submitter}", to, now), cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS report for {Domain} of {Day} submitted as {MessageId} to {Count} address(es)")]
    private partial void LogSent(string domain, DateOnly day, string messageId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS report for {Domain} not sent: its _smtp._tls record names https destinations only, which CloudMail does not post to")]
    private partial void LogHttpsOnly(string domain);
}
