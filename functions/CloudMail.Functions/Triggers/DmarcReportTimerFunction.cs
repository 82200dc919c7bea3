using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Reporting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Every hour: sends the due DMARC aggregate reports (RFC 7489 §7.2, <see cref="DmarcReportSender.SendDueAsync"/>). The
/// sender decides which days are due (from <see cref="DmarcReportingOptions.SendHourUtc"/>) and skips reports already
/// marked sent, so hourly runs send each report once and a run that failed is made good by the next. Does nothing while
/// <see cref="DmarcReportingOptions.Enabled"/> is off. Failures propagate (the host logs the run).
/// </summary>
public sealed partial class DmarcReportTimerFunction(DmarcReportSender sender, ILogger<DmarcReportTimerFunction> logger)
{
    public const string Name = "DmarcReports";

    /// <summary>NCRONTAB with seconds: at 20 minutes past every hour (apart from the other timers).</summary>
    public const string Schedule = "0 20 * * * *";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ReportRun run = await sender.SendDueAsync(cancellationToken).ConfigureAwait(false);
        if (run.Sent + run.Deferred > 0) LogRun(run.Sent, run.WithoutPolicy, run.Deferred);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DMARC reports: {Sent} sent, {WithoutPolicy} domains without a reporting policy, {Deferred} deferred")]
    private partial void LogRun(int sent, int withoutPolicy, int deferred);
}
