using Azure.Messaging.ServiceBus;
using CloudMail.Core.Pipeline;
using CloudMail.Storage.Azure.Queue;
using Microsoft.Azure.Functions.Worker; // the official ServiceBusMessageActions in deployment builds
using Microsoft.Extensions.Logging;

namespace CloudMail.Functions.Queueing;

/// <summary>
/// What every Service Bus trigger does with the message it is given: read the job
/// (<see cref="ServiceBusJobMessages.TryReadJob"/>; an unreadable body is dead-lettered
/// <see cref="DeadLetterReasons.Poison"/> and the stage never runs), then run the stage through <see cref="StageRunner"/>
/// (the same runner and <see cref="SettlementPolicy"/> as the embedded host) with the job's delivery count across its
/// retry copies (<see cref="ServiceBusJobMessages.DeliveryCount"/>), settling over <see cref="ServiceBusActionsSettlement"/>.
/// Auto-completion is off in the triggers: every message is settled here, explicitly. A settlement failure propagates to
/// the host, which delivers the message again.
/// </summary>
public sealed partial class ServiceBusStageInvoker(StageRunner runner, ServiceBusRetrySender retries, TimeProvider time,
    ILogger<ServiceBusStageInvoker> logger)
{
    public async Task RunAsync(IPipelineStage stage, ServiceBusReceivedMessage message, ServiceBusMessageActions actions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(message);
        if (!ServiceBusJobMessages.TryReadJob(message.Body, out var job, out string? problem))
        {
            LogPoison(stage.QueueName, message.MessageId, problem);
            await new ServiceBusActionsSettlement(message, message.MessageId, actions, retries, stage.QueueName, time)
                .DeadLetterAsync(DeadLetterReasons.Poison, problem, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        var settlement = new ServiceBusActionsSettlement(message, job.JobId, actions, retries, stage.QueueName, time);
        await runner.RunAsync(stage, job, ServiceBusJobMessages.DeliveryCount(message), settlement, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the messages of one batched receive at once through one <see cref="IPipelineStage.ForBatch"/> stage (which may
    /// share lookups between them), each read and settled on its own as <see cref="RunAsync"/> does. Waits for all; when
    /// settling some failed, throws after the others finished (the host then delivers the unsettled ones again).
    /// </summary>
    public Task RunBatchAsync(IPipelineStage stage, IReadOnlyList<ServiceBusReceivedMessage> messages, ServiceBusMessageActions actions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(messages);
        IPipelineStage batch = stage.ForBatch();
        return Task.WhenAll(messages.Select(m => RunAsync(batch, m, actions, cancellationToken)));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered message {ServiceBusMessageId} on {Queue} as poison: {Problem}")]
    private partial void LogPoison(string queue, string serviceBusMessageId, string problem);
}
