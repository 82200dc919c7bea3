using Azure.Messaging.ServiceBus;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Queueing;
using CloudMail.Storage.Azure;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// The inbound stage on Service Bus: one message of queue <see cref="QueueNames.Inbound"/> per invocation, run through
/// <see cref="InboundStage"/> (routing, then removal of the intake marker; the same stage the embedded host's worker
/// runs) by <see cref="ServiceBusStageInvoker"/>, which settles it: complete, reschedule with backoff, or dead-letter
/// with the reason. Auto-completion is off: every message is settled explicitly.
/// </summary>
public sealed class InboundFunction(InboundStage stage, ServiceBusStageInvoker invoker)
{
    public const string Name = "Inbound";

    [Function(Name)]
    public Task RunAsync(
        [ServiceBusTrigger(QueueNames.Inbound, Connection = AzureResourceNames.ServiceBusConnection.Name, IsBatched = false, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken) =>
        invoker.RunAsync(stage, message, messageActions, cancellationToken);
}
