using Azure.Messaging.ServiceBus;
using CloudMail.Core.Queue;
using CloudMail.Functions.Queueing;
using CloudMail.Storage.Azure;
using CloudMail.Storage.Azure.Queueing;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// The delivery stage on Service Bus: one message of queue <see cref="QueueNames.Outbound"/> (remote recipients routed by
/// the inbound stage) per invocation, settled by <see cref="QueueJobRunner"/>. Remote delivery does not exist yet:
/// <see cref="OutboundPlaceholderStage"/> records each recipient as deferred and has the job retried with backoff.
/// </summary>
public sealed class OutboundFunction(OutboundPlaceholderStage stage, QueueJobRunner runner, ServiceBusRetrySender retries)
{
    public const string Name = "Outbound";

    [Function(Name)]
    public Task RunAsync(
        [ServiceBusTrigger(QueueNames.Outbound, Connection = AzureResourceNames.ServiceBusConnection.Name, IsBatched = false, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken) =>
        runner.RunAsync(QueueNames.Outbound, QueueDelivery.From(message),
            new ServiceBusActionsSettlement(message, messageActions, retries, QueueNames.Outbound), stage.ProcessAsync, cancellationToken);
}
