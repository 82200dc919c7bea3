using Azure.Messaging.ServiceBus;
using CloudMail.Core.Pipeline;
using CloudMail.Storage.Azure.Queue;
using Microsoft.Azure.Functions.Worker; // the official ServiceBusMessageActions in deployment builds

namespace CloudMail.Functions.Queueing;

/// <summary>
/// <see cref="ISettlementActions"/> for one message the host delivered: complete and dead-letter through
/// <c>ServiceBusMessageActions</c> (the official extension's in deployment builds; the project's stand-in, which only
/// test doubles implement, otherwise); retry by sending a retry copy through <see cref="ServiceBusRetrySender"/>
/// (<see cref="ServiceBusJobMessages.ForRetry"/>: same body, the delivery count carried) and then completing the original.
/// </summary>
/// <remarks>
/// Why a new scheduled message instead of abandoning: an abandoned message comes back at once (no backoff) and every
/// abandon counts toward the queue's maxDeliveryCount, after which the broker dead-letters it without our reason. The
/// send and the completion cannot share a transaction here (the completion goes through the Functions host); a crash in
/// between delivers the original again, which sends a copy with the same MessageId again: duplicate detection drops it.
/// </remarks>
public sealed class ServiceBusActionsSettlement(
    ServiceBusReceivedMessage message,
    string jobId,
    ServiceBusMessageActions actions,
    ServiceBusRetrySender retries,
    string queueName,
    TimeProvider time) : ISettlementActions
{
    /// <summary>Service Bus keeps at most this much of a dead-letter description; longer text is cut.</summary>
    public const int MaxDescriptionLength = 1024;

    public Task CompleteAsync(CancellationToken cancellationToken) => actions.CompleteMessageAsync(message, cancellationToken);

    public async Task RetryAsync(TimeSpan delay, string reason, CancellationToken cancellationToken)
    {
        await retries.SendAsync(queueName, message, jobId, time.GetUtcNow() + delay, reason, cancellationToken).ConfigureAwait(false);
        await actions.CompleteMessageAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken) =>
        actions.DeadLetterMessageAsync(message, null, reason,
            description.Length <= MaxDescriptionLength ? description : description[..MaxDescriptionLength], cancellationToken);
}
