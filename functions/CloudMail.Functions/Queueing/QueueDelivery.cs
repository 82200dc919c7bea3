using Azure.Messaging.ServiceBus;

namespace CloudMail.Functions.Queueing;

/// <summary>The transport facts of one delivered queue message that the pipeline needs.</summary>
/// <param name="MessageId">Service Bus MessageId (the job's JobId when CloudMail sent it).</param>
/// <param name="DeliveryCount">1 on first delivery; higher after lock expiries and abandons.</param>
/// <param name="Body">The message body: a <see cref="Core.Queue.MailJob"/> as JSON when well-formed.</param>
public sealed record QueueDelivery(string MessageId, int DeliveryCount, BinaryData Body)
{
    public static QueueDelivery From(ServiceBusReceivedMessage message) => new(message.MessageId, message.DeliveryCount, message.Body);
}
