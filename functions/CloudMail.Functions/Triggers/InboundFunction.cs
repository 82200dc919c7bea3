using Azure.Messaging.ServiceBus;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Queueing;
using CloudMail.Storage.Azure;
using CloudMail.Storage.Azure.Queueing;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// The inbound stage on Service Bus: one message of queue <see cref="QueueNames.Inbound"/> per invocation, run through
/// <see cref="InboundProcessor"/> (the same code the embedded host's worker runs) by <see cref="InboundStage"/>, which
/// also removes the message's intake marker once it is routed, settled by
/// <see cref="QueueJobRunner"/> — complete, reschedule with backoff, or dead-letter with the reason. Auto-completion is
/// off: every message is settled here, explicitly.
/// </summary>
public sealed class InboundFunction(InboundStage stage, QueueJobRunner runner, ServiceBusRetrySender retries)
{
    public const string Name = "Inbound";

    [Function(Name)]
    public Task RunAsync(
        [ServiceBusTrigger(QueueNames.Inbound, Connection = AzureResourceNames.ServiceBusConnection.Name, IsBatched = false, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions messageActions,
        CancellationToken cancellationToken) =>
        runner.RunAsync(QueueNames.Inbound, QueueDelivery.From(message),
            new ServiceBusActionsSettlement(message, messageActions, retries, QueueNames.Inbound), stage.ProcessAsync, cancellationToken);
}
