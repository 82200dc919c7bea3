using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Intake;

/// <summary>
/// Removes the intake marker of a routed message, rebuilt from the job alone (<see cref="IntakeRecordingQueue.MarkerOf"/>:
/// message id and the envelope's acceptance time). Registered by
/// <see cref="IntakeOutboxServiceCollectionExtensions.AddCloudMailIntakeOutbox"/>, so only hosts that record markers
/// remove them; <see cref="InboundStage"/> uses it when present. Without it every marker would wait for the stuck-intake
/// sweep, which handles a bounded batch per run and would fall behind any accept rate above that batch per run.
/// </summary>
/// <remarks>
/// Best effort: a failure is logged as a warning and never thrown, because the message is routed and failing or
/// retrying its job over the marker would be wrong. A leftover marker costs one sweep that finds the message routed in
/// the delivery log and removes it. A marker the sweeper rewrote when it requeued the job has a later time, is not
/// matched, and is left to the sweep as well.
/// </remarks>
public sealed partial class IntakeMarkerRemoval(IIntakeOutbox outbox, ILogger<IntakeMarkerRemoval> logger)
{
    /// <summary>Removes the marker written when <paramref name="job"/>'s message was accepted; never throws.</summary>
    public async Task RemoveAsync(MailJob job, CancellationToken cancellationToken)
    {
        try
        {
            await outbox.RemoveAsync(IntakeRecordingQueue.MarkerOf(job), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Deliberately caught and logged (the one exception to "never catch-log-and-continue in a trigger"): see
            // remarks. Any type, cancellation included: the job's outcome must stand.
            LogMarkerNotRemoved(e, job.MessageId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake marker of routed message {MessageId} not removed; the stuck-intake sweep will remove it")]
    private partial void LogMarkerNotRemoved(Exception exception, string messageId);
}
