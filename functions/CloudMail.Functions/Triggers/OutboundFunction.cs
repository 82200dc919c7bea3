using Azure.Messaging.ServiceBus;
using CloudMail.Core.Delivery;
using CloudMail.Core.Queue;
using CloudMail.Functions.Queueing;
using CloudMail.Storage.Azure;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// The delivery stage on Service Bus: one message of queue <see cref="QueueNames.Outbound"/> (remote recipients routed by
/// the inbound stage, or a retry the stage scheduled) per invocation: <see cref="OutboundStage"/>, run and settled by
/// <see cref="ServiceBusStageInvoker"/>. Retries of remote delivery are new scheduled messages the stage enqueues
/// (JobId <c>{messageId}:outbound:{n}</c>), so this message completes once the stage has recorded its attempt.
/// </summary>
public sealed class OutboundFunction(OutboundStage stage, ServiceBusStageInvoker invoker)
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
