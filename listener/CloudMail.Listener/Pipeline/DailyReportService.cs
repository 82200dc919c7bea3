using CloudMail.Core.Reporting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's job for a daily report (TLS-RPT, DMARC aggregate): runs the sender's <c>SendDueAsync</c> shortly after
/// start and then at the start of every hour; the sender itself decides which days are due (<see cref="DailyReportSchedule"/>)
/// and skips reports already sent, so hourly runs send each report once. A failed run is logged and the next hour tries
/// again; nothing is lost, the counts are durable. Does nothing when the report's options say it is off.
/// </summary>
public abstract partial class DailyReportService(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>Wait after start before the first run, so it never competes with the host's start.</summary>
    private static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(1);

    /// <summary>The report's name in the log (<c>TLS</c>, <c>DMARC</c>).</summary>
    protected abstract string Kind { get; }

    /// <summary>The report is switched on.</summary>
    protected abstract bool Enabled { get; }

    /// <summary>One run of the sender.</summary>
    protected abstract Task<ReportRun> SendDueAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        try
        {
            await Task.Delay(FirstRunDelay, time, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(UntilNextHour(time.GetUtcNow()), time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One run; a failure is logged (the next run retries), cancellation propagates.</summary>
    public async Task<ReportRun?> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            ReportRun run = await SendDueAsync(cancellationToken).ConfigureAwait(false);
            if (run.Sent + run.Deferred > 0) LogRun(Kind, run.Sent, run.WithoutPolicy, run.Deferred);
            return run;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(Kind, e);
            return null;
        }
    }

    /// <summary>Time from <paramref name="now"/> to a few seconds past the next full hour.</summary>
    public static TimeSpan UntilNextHour(DateTimeOffset now)
    {
        DateTimeOffset hour = new(now.Year, now.Month, now.Day, now.Hour, 0, 0, now.Offset);
        return hour.AddHours(1).AddSeconds(5) - now;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} reports: {Sent} sent, {WithoutPolicy} domains without a reporting policy, {Deferred} deferred")]
    private partial void LogRun(string kind, int sent, int withoutPolicy, int deferred);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} report run failed; the next hour's run tries again")]
    private partial void LogRunFailed(string kind, Exception exception);
}
