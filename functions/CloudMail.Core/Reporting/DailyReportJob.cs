using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Reporting;

/// <summary>
/// The daily job of a report kind (TLS-RPT, DMARC aggregate), run hourly by a host: for each due UTC day
/// (<see cref="DailyReportSchedule"/>) and each policy domain of that day not yet marked sent, the subclass sends the
/// domain's report (<see cref="SendDomainAsync"/>); a domain that got one, or that has nobody to send it to, is marked
/// sent; one whose DNS look-up failed stays for the next run. Days past retention are then deleted.
/// </summary>
public abstract partial class DailyReportJob(IDailyReportStore store, TimeProvider time, ILogger logger)
{
    /// <summary>The report's name in the log (<c>TLS</c>, <c>DMARC</c>).</summary>
    public abstract string Kind { get; }

    /// <summary>The report is switched on.</summary>
    public abstract bool Enabled { get; }

    /// <summary>UTC hour from which the previous day is due.</summary>
    protected abstract int SendHourUtc { get; }

    /// <summary>Days of counts kept after they are due.</summary>
    protected abstract int RetentionDays { get; }

    /// <summary>
    /// Sends the report of <paramref name="domain"/> for <paramref name="day"/>: true when one was submitted, false when
    /// there was nobody to send it to (the domain is done all the same), null on a DNS failure (try again later).
    /// </summary>
    protected abstract Task<bool?> SendDomainAsync(string domain, DateOnly day, CancellationToken cancellationToken);

    /// <summary>Sends every due report (nothing when the report is off) and deletes counts past retention.</summary>
    public async Task<ReportRun> SendDueAsync(CancellationToken cancellationToken)
    {
        if (!Enabled) return new ReportRun(0, 0, 0);
        DateTimeOffset now = time.GetUtcNow();
        var total = new ReportRun(0, 0, 0);
        foreach (DateOnly day in DailyReportSchedule.DueDays(now, SendHourUtc))
            total += await SendDayAsync(day, cancellationToken).ConfigureAwait(false);
        await store.RemoveBeforeAsync(DailyReportSchedule.KeepFrom(now, RetentionDays), cancellationToken).ConfigureAwait(false);
        if (total.Sent + total.Deferred > 0) LogRun(Kind, total.Sent, total.WithoutPolicy, total.Deferred);
        return total;
    }

    /// <summary>Sends the reports of <paramref name="day"/> for every policy domain not yet marked sent.</summary>
    public async Task<ReportRun> SendDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        int sent = 0, withoutPolicy = 0, deferred = 0;
        foreach (string domain in await store.UnsentDomainsAsync(day, cancellationToken).ConfigureAwait(false))
        {
            bool? done = await SendDomainAsync(domain, day, cancellationToken).ConfigureAwait(false);
            if (done is not { } submitted)
            {
                deferred++;
                LogDeferred(Kind, domain, day);
                continue;
            }
            if (submitted) sent++;
            else withoutPolicy++;
            await store.MarkSentAsync(domain, day, cancellationToken).ConfigureAwait(false);
        }
        return new ReportRun(sent, withoutPolicy, deferred);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} reports: {Sent} sent, {WithoutPolicy} domains without a reporting policy, {Deferred} deferred")]
    private partial void LogRun(string kind, int sent, int withoutPolicy, int deferred);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} report for {Domain} of {Day} deferred: its reporting policy could not be looked up")]
    private partial void LogDeferred(string kind, string domain, DateOnly day);
}
