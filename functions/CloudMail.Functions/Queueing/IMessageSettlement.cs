using CloudMail.Core.Queue;

namespace CloudMail.Functions.Queueing;

/// <summary>
/// What a queue-triggered function can do with the message it was given. Exactly one call per message; when a call
/// throws, the message stays locked until the lock expires (or the host abandons it) and is delivered again — the
/// stages are idempotent, so that is always safe. In deployment: <see cref="ServiceBusActionsSettlement"/> over the
/// official extension's <c>ServiceBusMessageActions</c>.
/// </summary>
public interface IMessageSettlement
{
    /// <summary>Done: remove the message.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Retry later: durably schedule a copy of this message (job <paramref name="job"/>, in the storage adapter's retry
    /// format, carrying the delivery count) to become visible at <paramref name="notBefore"/> with
    /// <paramref name="reason"/>, then complete this message.
    /// </summary>
    Task RescheduleAsync(MailJob job, DateTimeOffset notBefore, string reason, CancellationToken cancellationToken);

    /// <summary>Never going to work: move the message to the dead-letter queue with a short reason and a description.</summary>
    Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken);
}
