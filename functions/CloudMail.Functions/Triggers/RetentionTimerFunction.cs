using CloudMail.Core.Retention;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Hourly: forgets the send API's idempotency records and the delivery log of settled messages older than their
/// retention (<see cref="RetentionSweeper"/>, <see cref="RetentionOptions"/>; it logs what it removed). Storage failures
/// propagate: the host logs the failed run and the next one tries again (what a run removed stays removed).
/// </summary>
public sealed class RetentionTimerFunction(RetentionSweeper sweeper)
{
    public const string Name = "RetentionSweep";

    /// <summary>NCRONTAB with seconds: at minute 20 of every hour (away from the five-minute sweeps and the report timers).</summary>
    public const string Schedule = "0 20 * * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => sweeper.SweepAsync(cancellationToken);
}
