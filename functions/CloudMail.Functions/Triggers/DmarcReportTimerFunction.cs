using CloudMail.Core.DmarcReporting;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Every hour: sends the due DMARC aggregate reports (RFC 7489 §7.2, <see cref="Core.Reporting.DailyReportJob.SendDueAsync"/>
/// of <see cref="DmarcReportSender"/>). The sender decides which days are due (from
/// <see cref="DmarcReportingOptions.SendHourUtc"/>) and skips reports already marked sent, so hourly runs send each report
/// once and a run that failed is made good by the next. Does nothing while <see cref="DmarcReportingOptions.Enabled"/> is
/// off. Failures propagate (the host logs the run); the sender logs what a run did.
/// </summary>
public sealed class DmarcReportTimerFunction(DmarcReportSender sender)
{
    public const string Name = "DmarcReports";

    /// <summary>NCRONTAB with seconds: at 20 minutes past every hour (apart from the other timers).</summary>
    public const string Schedule = "0 20 * * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => sender.SendDueAsync(cancellationToken);
}
