using CloudMail.Core.Reporting;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.TlsReporting;

/// <summary>
/// The daily job of TLS reporting (RFC 8460 §5): for each policy domain with unsent counts for a due day
/// (<see cref="DailyReportSchedule"/>), looks up its <c>_smtp._tls</c> policy; a domain without one (or with https
/// destinations only, which CloudMail does not post to) is marked done without a report; otherwise the §4.4 JSON goes,
/// gzipped, in a §5.3 mail (<see cref="TlsReportMessage"/>) to every <c>mailto:</c> destination through the accept path,
/// as <see cref="BounceSubmitter"/> sends notifications: the message into the blob store, its job on the inbound queue,
/// from where routing queues it for remote delivery. Then the day is marked sent. A DNS failure leaves the domain for the
/// next run. The message id and blob id derive from the report id, so a run repeated after a crash submits one report.
/// The envelope has the null reverse-path (RFC 5321 §4.5.5): a report that cannot be delivered is never bounced.
/// </summary>
public sealed partial class TlsReportSender(ITlsReportStore store, ITlsRptRecordLookup lookup, IMessageBlobStore blobs, IMailQueue queue,
    BounceSubmitter bounces, IOptions<TlsReportingOptions> options, TimeProvider time, ILogger<TlsReportSender> logger)
{
    private const string Label = "cloudmail/tlsrpt/v1";
    private readonly ReportMail _mail = new(blobs, queue, bounces, time);

    /// <summary>The domain reports are submitted as: <see cref="TlsReportingOptions.SubmitterDomain"/>, else the reporting MTA's name.</summary>
    public string Submitter => options.Value.SubmitterDomain is { Length: > 0 } domain ? domain.ToLowerInvariant() : bounces.ReportingMta;

    /// <summary>Sends every due report (nothing when reporting is off) and deletes counts past retention.</summary>
    public async Task<ReportRun> SendDueAsync(CancellationToken cancellationToken)
    {
        TlsReportingOptions o = options.Value;
        if (!o.Enabled) return new ReportRun(0, 0, 0);
        DateTimeOffset now = time.GetUtcNow();
        var total = new ReportRun(0, 0, 0);
        foreach (DateOnly day in DailyReportSchedule.DueDays(now, o.SendHourUtc))
            total += await SendDayAsync(day, cancellationToken).ConfigureAwait(false);
        await store.RemoveBeforeAsync(DailyReportSchedule.KeepFrom(now, o.RetentionDays), cancellationToken).ConfigureAwait(false);
        return total;
    }

    /// <summary>Sends the reports of <paramref name="day"/> for every domain not yet marked sent.</summary>
    public async Task<ReportRun> SendDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        int sent = 0, withoutPolicy = 0, deferred = 0;
        foreach (string domain in await store.UnsentDomainsAsync(day, cancellationToken).ConfigureAwait(false))
        {
            TlsRptLookup found = await lookup.LookupAsync(domain, cancellationToken).ConfigureAwait(false);
            if (found.TemporaryFailure)
            {
                deferred++;
                LogDeferred(domain, day);
                continue;
            }
            if (found.Record is not { MailtoAddresses.Count: > 0 } record)
            {
                if (found.Record is not null) LogHttpsOnly(domain);
                withoutPolicy++;
                await store.MarkSentAsync(domain, day, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var tallies = await store.GetAsync(domain, day, cancellationToken).ConfigureAwait(false);
            if (tallies.Count > 0)
            {
                TlsReport report = Build(domain, day, tallies);
                string id = await SubmitAsync(report, record.MailtoAddresses, cancellationToken).ConfigureAwait(false);
                LogSent(domain, day, id, record.MailtoAddresses.Count);
                sent++;
            }
            await store.MarkSentAsync(domain, day, cancellationToken).ConfigureAwait(false);
        }
        return new ReportRun(sent, withoutPolicy, deferred);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS report for {Domain} of {Day} deferred: its _smtp._tls record could not be looked up")]
    private partial void LogDeferred(string domain, DateOnly day);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS report for {Domain} not sent: its _smtp._tls record names https destinations only, which CloudMail does not post to")]
    private partial void LogHttpsOnly(string domain);
}
