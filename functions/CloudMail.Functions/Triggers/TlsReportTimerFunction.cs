using CloudMail.Core.TlsReporting;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Every hour: sends the due TLS reports (RFC 8460, <see cref="Core.Reporting.DailyReportJob.SendDueAsync"/> of
/// <see cref="TlsReportSender"/>). The sender decides which days are due (<see cref="Core.Reporting.DailyReportSchedule"/>,
/// from <see cref="TlsReportingOptions.SendHourUtc"/>) and skips reports already marked sent, so hourly runs send each
/// report once and a run that failed is made good by the next. Failures propagate (the host logs the run); the sender
/// logs what a run did.
/// </summary>
public sealed class TlsReportTimerFunction(TlsReportSender sender)
{
    public const string Name = "TlsReports";

    /// <summary>NCRONTAB with seconds: at 10 minutes past every hour (apart from the other timers).</summary>
    public const string Schedule = "0 10 * * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => sender.SendDueAsync(cancellationToken);
}
