using CloudMail.Core.Reporting;
using CloudMail.Core.TlsReporting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Every hour: sends the due TLS reports (RFC 8460, <see cref="TlsReportSender.SendDueAsync"/>). The sender decides which
/// days are due (<see cref="DailyReportSchedule"/>, from <see cref="TlsReportingOptions.SendHourUtc"/>) and skips reports
/// already marked sent, so hourly runs send each report once and a run that failed is made good by the next. Failures
/// propagate (the host logs the run).
/// </summary>
public sealed partial class TlsReportTimerFunction(TlsReportSender sender, ILogger<TlsReportTimerFunction> logger)
{
    public const string Name = "TlsReports";

    /// <summary>NCRONTAB with seconds: at 10 minutes past every hour (apart from the other timers).</summary>
    public const string Schedule = "0 10 * * * *";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ReportRun run = await sender.SendDueAsync(cancellationToken).ConfigureAwait(false);
        if (run.Sent + run.Deferred > 0) LogRun(run.Sent, run.WithoutPolicy, run.Deferred);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS reports: {Sent} sent, {WithoutPolicy} domains without a reporting policy, {Deferred} deferred")]
    private partial void LogRun(int sent, int withoutPolicy, int deferred);
}
