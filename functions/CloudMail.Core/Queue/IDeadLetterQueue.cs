namespace CloudMail.Core.Queue;

/// <summary>
/// The dead letters of the pipeline queues, for an administrator (<c>cloudmail queue deadletters [--replay ID]</c>), on
/// both backends: the embedded queue's dead-letter table (<see cref="LeasedQueueDeadLetters"/>) and the Service Bus
/// dead-letter sub-queues (<c>ServiceBusDeadLetters</c> in CloudMail.Storage.Azure).
/// </summary>
public interface IDeadLetterQueue
{
    /// <summary>
    /// The dead letters of <paramref name="queue"/>, oldest first, at most <paramref name="max"/>, without taking or
    /// changing them (Service Bus: peek).
    /// </summary>
    Task<IReadOnlyList<DeadLetter>> PeekAsync(string queue, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Sends dead letter <paramref name="id"/> (<see cref="DeadLetter.Id"/>) of <paramref name="queue"/> back to the queue,
    /// visible now, with its delivery count reset, and removes it from the dead letters. Service Bus: the message is
    /// received from the dead-letter sub-queue, a copy with a fresh MessageId (duplicate detection would drop the old one)
    /// is sent to the queue, then the dead letter is completed. Returns false when there is no such dead letter.
    /// </summary>
    Task<bool> ReplayAsync(string queue, string id, CancellationToken cancellationToken);
}

/// <summary>One dead-lettered job as the administrator sees it.</summary>
/// <param name="Queue">The queue it was dead-lettered from (one of <see cref="QueueNames"/>).</param>
/// <param name="Id">What <see cref="IDeadLetterQueue.ReplayAsync"/> takes: the job id (embedded) or the Service Bus MessageId.</param>
/// <param name="MessageId">CloudMail's message id from the job; null when the body is not a readable job (poison).</param>
/// <param name="Reason">Why it was dead-lettered (<see cref="Pipeline.DeadLetterReasons"/>, or the broker's reason).</param>
/// <param name="Description">The details given with the reason; null when none.</param>
/// <param name="EnqueuedAt">When the job was first enqueued; null when the backend does not know.</param>
/// <param name="Attempts">Deliveries of the job before it was dead-lettered.</param>
/// <param name="Recipients">The job's recipients (empty when the body is unreadable).</param>
public sealed record DeadLetter(
    string Queue,
    string Id,
    string? MessageId,
    string Reason,
    string? Description,
    DateTimeOffset? EnqueuedAt,
    int Attempts,
    IReadOnlyList<string> Recipients);
