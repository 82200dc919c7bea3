using Azure.Messaging.ServiceBus;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Queueing;
using CloudMail.Storage.Azure;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// The delivery stage on Service Bus: one message of queue <see cref="QueueNames.Outbound"/> (remote recipients routed by
/// the inbound stage) per invocation, run and settled by <see cref="ServiceBusStageInvoker"/>. Remote delivery does not
/// exist yet: <see cref="OutboundPlaceholderStage"/> records each recipient as deferred and has the job retried with backoff.
/// </summary>
public sealed class OutboundFunction(OutboundPlaceholderStage stage, ServiceBusStageInvoker invoker)
{
    public const string Name = "Outbound";

    [Function(Name)]
    public Task RunAsync(
        [ServiceBusTrigger(QueueNames.Outbound, Connection = AzureResourceNames.ServiceBusConnection.Name, IsBatched = false, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken) =>
        invoker.RunAsync(stage, message, messageActions, cancellationToken);
}
