using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Queueing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Functions.Queueing;

/// <summary>
/// Runs one pipeline stage on one delivered queue message and settles it by the stage's <see cref="StageOutcome"/>:
/// <list type="bullet">
/// <item>unreadable body (<see cref="ServiceBusJobMessages.TryReadJob"/>) → dead-letter <see cref="DeadLetterReasons.Poison"/>
/// (the stage never runs);</item>
/// <item><see cref="StageOutcome.Completed"/> → complete;</item>
/// <item><see cref="StageOutcome.Transient"/> → reschedule a retry copy (<see cref="IMessageSettlement.RescheduleAsync"/>)
/// after the larger of the stage's RetryAfter and <see cref="RetrySchedule"/>'s backoff, or dead-letter
/// <see cref="DeadLetterReasons.RetriesExhausted"/> once <see cref="FunctionsOptions.MaxRetries"/> retries were made. Retries
/// made = the job's deliveries so far (<see cref="QueueDelivery.DeliveryCount"/>, carried by the copies) minus one, so a
/// redelivery after a crash or lock expiry counts as a retry too;</item>
/// <item><see cref="StageOutcome.Permanent"/> → dead-letter <see cref="DeadLetterReasons.Permanent"/> with the stage's reason.</item>
/// </list>
/// Nothing is caught: an exception from the stage or from settling propagates to the host, which leaves the message to
/// be delivered again (the queue's maxDeliveryCount then dead-letters a message that keeps crashing its function).
/// Settlement runs without the invocation's cancellation token: once a stage has run, recording that must not be
/// skipped by a shutdown.
/// </summary>
public sealed partial class QueueJobRunner(IOptions<FunctionsOptions> options, TimeProvider time, ILogger<QueueJobRunner> logger)
{
    /// <summary>A pipeline stage: <see cref="InboundProcessor.ProcessAsync"/> or the outbound placeholder.</summary>
    public delegate Task<StageOutcome> Stage(MailJob job, CancellationToken cancellationToken);

    public async Task RunAsync(string queue, QueueDelivery delivery, IMessageSettlement settlement, Stage stage, CancellationToken cancellationToken)
    {
        if (!ServiceBusJobMessages.TryReadJob(delivery.Body, out var job, out string? problem))
        {
            LogPoison(queue, delivery.MessageId, problem);
            await settlement.DeadLetterAsync(DeadLetterReasons.Poison, problem, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        var outcome = await stage(job, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case StageOutcome.Completed:
                await settlement.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                break;
            case StageOutcome.Transient transient:
                await RetryOrGiveUpAsync(queue, job, delivery.DeliveryCount, transient, settlement).ConfigureAwait(false);
                break;
            case StageOutcome.Permanent permanent:
                LogDeadLettered(queue, job.MessageId, DeadLetterReasons.Permanent, permanent.Reason);
                await settlement.DeadLetterAsync(DeadLetterReasons.Permanent, permanent.Reason, CancellationToken.None).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"Unknown stage outcome {outcome.GetType().Name}.");
        }
    }

    private async Task RetryOrGiveUpAsync(string queue, MailJob job, int deliveries, StageOutcome.Transient transient, IMessageSettlement settlement)
    {
        int retries = Math.Max(0, deliveries - 1);
        int maxRetries = options.Value.MaxRetries;
        if (retries >= maxRetries)
        {
            string description = $"gave up after {retries} retries; last failure: {transient.Reason}";
            LogDeadLettered(queue, job.MessageId, DeadLetterReasons.RetriesExhausted, description);
            await settlement.DeadLetterAsync(DeadLetterReasons.RetriesExhausted, description, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        var backoff = RetrySchedule.After(retries + 1);
        var delay = transient.RetryAfter > backoff ? transient.RetryAfter : backoff;
        var notBefore = time.GetUtcNow() + delay;
        LogRescheduled(queue, job.MessageId, retries + 1, notBefore, transient.Reason);
        await settlement.RescheduleAsync(job, notBefore, transient.Reason, CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered message {ServiceBusMessageId} on {Queue} as poison: {Problem}")]
    private partial void LogPoison(string queue, string serviceBusMessageId, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered {MessageId} on {Queue} ({Reason}): {Description}")]
    private partial void LogDeadLettered(string queue, string messageId, string reason, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rescheduled {MessageId} on {Queue} (retry {Retry}) for {NotBefore}: {Reason}")]
    private partial void LogRescheduled(string queue, string messageId, int retry, DateTimeOffset notBefore, string reason);
}
