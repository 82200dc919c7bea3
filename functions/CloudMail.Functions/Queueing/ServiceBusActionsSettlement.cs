using Azure.Messaging.ServiceBus;
using CloudMail.Core.Queue;
using Microsoft.Azure.Functions.Worker; // the official ServiceBusMessageActions in deployment builds

namespace CloudMail.Functions.Queueing;

/// <summary>
/// <see cref="IMessageSettlement"/> for one message the host delivered: complete and dead-letter through
/// <c>ServiceBusMessageActions</c> (the official extension's in deployment builds; the project's stand-in, which only
/// test doubles implement, otherwise); reschedule by enqueueing a copy through <see cref="IMailQueue"/> (Service Bus:
/// a scheduled message with MessageId = the copy's JobId) and then completing the original.
/// </summary>
/// <remarks>
/// Why a new scheduled message instead of abandoning: an abandoned message comes back at once (no backoff) and every
/// abandon counts toward the queue's maxDeliveryCount, after which the broker dead-letters it without our reason. A
/// crash between the enqueue and the completion delivers the original again, which enqueues the same retry JobId again:
/// duplicate detection drops that second copy.
/// </remarks>
public sealed class ServiceBusActionsSettlement(
    ServiceBusReceivedMessage message,
    ServiceBusMessageActions actions,
    IMailQueue queue,
    string queueName) : IMessageSettlement
{
    /// <summary>Service Bus keeps at most this much of a dead-letter description; longer text is cut.</summary>
    public const int MaxDescriptionLength = 1024;

    public Task CompleteAsync(CancellationToken cancellationToken) => actions.CompleteMessageAsync(message, cancellationToken);

    public async Task RescheduleAsync(MailJob retry, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        await queue.EnqueueAsync(queueName, retry, notBefore, cancellationToken).ConfigureAwait(false);
        await actions.CompleteMessageAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken) =>
        actions.DeadLetterMessageAsync(message, null, reason,
            description.Length <= MaxDescriptionLength ? description : description[..MaxDescriptionLength], cancellationToken);
}
