using Azure.Messaging.ServiceBus;
using CloudMail.Core.Events;
using CloudMail.Core.Queue;
using CloudMail.Functions.Queueing;
using CloudMail.Storage.Azure;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// The event stage on Service Bus: one message of queue <see cref="QueueNames.Events"/> (a mail event for one webhook
/// subscription, queued by the inbound or outbound stage) per invocation: <see cref="EventStage"/>, run and settled by
/// <see cref="ServiceBusStageInvoker"/>, so a receiver's 5xx or timeout is a scheduled retry with the pipeline's backoff.
/// </summary>
public sealed class EventsFunction(EventStage stage, ServiceBusStageInvoker invoker)
{
    public const string Name = "Events";

    [Function(Name)]
    public Task RunAsync(
        [ServiceBusTrigger(QueueNames.Events, Connection = AzureResourceNames.ServiceBusConnection.Name, IsBatched = false, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken) =>
        invoker.RunAsync(stage, message, messageActions, cancellationToken);
}
