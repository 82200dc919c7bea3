using CloudMail.Core.Failures;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// Runs one <see cref="IPipelineStage"/> on one job and settles its queue message through the host's
/// <see cref="ISettlementActions"/> as <see cref="SettlementPolicy"/> decides. The one place both hosts turn a stage's
/// outcome or exception into complete, retry-after-delay or dead-letter. An exception from the stage is classified
/// (transient → retry with backoff; anything else → dead-letter <see cref="DeadLetterReasons.Failed"/>), except a
/// cancellation of the run itself, which propagates and leaves the message to be delivered again. Settlement runs without
/// the run's cancellation token: once a stage has run, recording that must not be skipped by a shutdown; a settlement
/// failure propagates (the message is then delivered again).
/// </summary>
public sealed partial class StageRunner(SettlementPolicy policy, ILogger<StageRunner> logger)
{
    /// <summary>
    /// Runs <paramref name="stage"/> on <paramref name="job"/>, in its <paramref name="deliveryCount"/>th delivery (1 for
    /// the first, counting every earlier delivery of the job), and settles it; returns the settlement made.
    /// </summary>
    public async Task<Settlement> RunAsync(IPipelineStage stage, MailJob job, int deliveryCount, ISettlementActions actions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(actions);
        using var span = Telemetry.CloudMailTelemetry.StartFromJob("stage." + stage.QueueName, job.TraceParent);
        span?.SetTag("cloudmail.message_id", job.MessageId);
        Telemetry.CloudMailTelemetry.QueueAge.Record((DateTimeOffset.UtcNow - job.Envelope.ReceivedAt).TotalSeconds,
            new KeyValuePair<string, object?>("queue", stage.QueueName));
        Settlement settlement;
        try
        {
            StageOutcome outcome = await stage.RunAsync(job, cancellationToken).ConfigureAwait(false);
            settlement = policy.For(outcome, deliveryCount);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            settlement = policy.For(e, deliveryCount);
            if (settlement is Settlement.DeadLetter { Reason: DeadLetterReasons.Failed }) LogFailed(e, stage.QueueName, job.MessageId);
            else LogTransient(e, stage.QueueName, job.MessageId);
        }
        await SettleAsync(stage.QueueName, job, settlement, actions).ConfigureAwait(false);
        return settlement;
    }

    private async Task SettleAsync(string queue, MailJob job, Settlement settlement, ISettlementActions actions)
    {
        switch (settlement)
        {
            case Settlement.Complete:
                await actions.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                break;
            case Settlement.Retry retry:
                LogRetry(queue, job.MessageId, retry.Number, retry.Delay, retry.Reason);
                await actions.RetryAsync(retry.Delay, retry.Reason, CancellationToken.None).ConfigureAwait(false);
                break;
            case Settlement.DeadLetter dead:
                LogDeadLettered(queue, job.MessageId, dead.Reason, dead.Description);
                Telemetry.CloudMailTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("reason", dead.Reason));
                await actions.DeadLetterAsync(dead.Reason, dead.Description, CancellationToken.None).ConfigureAwait(false);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stage {Queue} failed transiently on {MessageId}")]
    private partial void LogTransient(Exception exception, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stage {Queue} failed on {MessageId} with an error that retrying cannot fix")]
    private partial void LogFailed(Exception exception, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying {MessageId} on {Queue} (retry {Retry}) after {Delay}: {Reason}")]
    private partial void LogRetry(string queue, string messageId, int retry, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered {MessageId} on {Queue} ({Reason}): {Description}")]
    private partial void LogDeadLettered(string queue, string messageId, string reason, string description);
}
