using Azure.Messaging.ServiceBus;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Queueing;
using CloudMail.Storage.Azure;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// The inbound stage on Service Bus: a batch of messages of queue <see cref="QueueNames.Inbound"/> per invocation (up to
/// <c>maxMessageBatchSize</c> of host.json), each run through <see cref="InboundStage"/> (routing, then removal of the
/// intake marker; the same stage the embedded host's worker runs) by <see cref="ServiceBusStageInvoker.RunBatchAsync"/>:
/// at once, sharing one batch's directory lookups, each settled on its own (complete, reschedule with backoff, or
/// dead-letter with the reason). Auto-completion is off: every message is settled explicitly.
/// </summary>
public sealed class InboundFunction(InboundStage stage, ServiceBusStageInvoker invoker)
{
    public const string Name = "Inbound";

    [Function(Name)]
    public Task RunAsync(
        [ServiceBusTrigger(QueueNames.Inbound, Connection = AzureResourceNames.ServiceBusConnection.Name, IsBatched = true, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage[] messages,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken) =>
        invoker.RunBatchAsync(stage, messages, messageActions, cancellationToken);
}
