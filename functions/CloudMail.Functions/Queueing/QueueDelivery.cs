using Azure.Messaging.ServiceBus;
using CloudMail.Storage.Azure.Queueing;

namespace CloudMail.Functions.Queueing;

/// <summary>The transport facts of one delivered queue message that the pipeline needs.</summary>
/// <param name="MessageId">Service Bus MessageId (the job's JobId, or <c>{JobId}~r{n}</c> for a retry copy).</param>
/// <param name="DeliveryCount">
/// Deliveries of the job so far, this one included, across its retry copies (<see cref="ServiceBusJobMessages.DeliveryCount"/>):
/// 1 on the first; lock expiries and abandons count too.
/// </param>
/// <param name="Body">The message body: a <see cref="Core.Queue.MailJob"/> as JSON when well-formed.</param>
public sealed record QueueDelivery(string MessageId, int DeliveryCount, BinaryData Body)
{
    public static QueueDelivery From(ServiceBusReceivedMessage message) =>
        new(message.MessageId, ServiceBusJobMessages.DeliveryCount(message), message.Body);
}
