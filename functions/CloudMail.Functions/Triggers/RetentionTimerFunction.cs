using CloudMail.Core.Retention;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Daily: applies <c>CloudMail:Retention</c> (<see cref="RetentionSweeper"/>, <see cref="RetentionOptions"/>; it logs
/// what it removed): the expired quarantine, old mail in Junk and Trash, the send API's idempotency records and the
/// delivery log of settled messages; not the spam-training table, which the listener prunes. Daily, not hourly as in
/// <c>serve</c>: in Table storage each run scans its tables with a filter, and the retentions are counted in days.
/// Failures propagate: the host logs the failed run and the next one tries again (what a run removed stays removed).
/// </summary>
public sealed class RetentionTimerFunction(RetentionSweeper sweeper)
{
    public const string Name = "RetentionSweep";

    /// <summary>NCRONTAB with seconds: at 03:40 UTC every day (away from the five-minute sweeps and the report timers at minutes 10 and 20).</summary>
    public const string Schedule = "0 40 3 * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => sweeper.SweepAsync(cancellationToken);
}
