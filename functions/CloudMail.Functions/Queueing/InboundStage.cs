using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Functions.Queueing;

/// <summary>
/// The inbound stage as the Functions app runs it: <see cref="InboundProcessor"/>, then, once it has routed the message
/// (<see cref="StageOutcome.Completed"/>), removal of the message's intake marker, rebuilt from the job alone
/// (<see cref="IntakeRecordingQueue.MarkerOf"/>: message id and the envelope's acceptance time). Without this every
/// marker would wait for the stuck-intake sweep, which handles a bounded batch per run and would fall behind any accept
/// rate above that batch per run. Other outcomes leave the marker: a transient failure is retried with it in place, and
/// a dead-lettered job is exactly what the sweep is for.
/// </summary>
/// <remarks>
/// The removal is best effort: a failure is logged as a warning and the stage's outcome stands (the job is completed,
/// not failed or retried). A leftover marker costs one sweep that finds the message routed in the delivery log and
/// removes it. A marker the sweeper rewrote when it requeued the job has a later time, is not matched, and is left to the
/// sweep as well.
/// </remarks>
public sealed partial class InboundStage(InboundProcessor processor, IIntakeLedger ledger, ILogger<InboundStage> logger)
{
    /// <summary>Runs the inbound stage on <paramref name="job"/> (a <see cref="QueueJobRunner.Stage"/>).</summary>
    public async Task<StageOutcome> ProcessAsync(MailJob job, CancellationToken cancellationToken)
    {
        var outcome = await processor.ProcessAsync(job, cancellationToken).ConfigureAwait(false);
        if (outcome is StageOutcome.Completed) await RemoveIntakeMarkerAsync(job, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    private async Task RemoveIntakeMarkerAsync(MailJob job, CancellationToken cancellationToken)
    {
        try
        {
            await ledger.RemoveAsync(IntakeRecordingQueue.MarkerOf(job), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Deliberately caught and logged (the one exception to "never catch-log-and-continue in a trigger"): the
            // message is routed, so failing or retrying the job over its marker would be wrong; the sweep removes a
            // leftover marker. Any type, cancellation included: storage SDKs throw their own exception types.
            LogMarkerNotRemoved(e, job.MessageId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake marker of routed message {MessageId} not removed; the stuck-intake sweep will remove it")]
    private partial void LogMarkerNotRemoved(Exception exception, string messageId);
}
