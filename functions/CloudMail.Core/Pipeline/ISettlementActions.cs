namespace CloudMail.Core.Pipeline;

/// <summary>
/// How one host settles the queue message of one job, for <see cref="StageRunner"/>: exactly one call per message. When
/// a call throws, the message is delivered again later (lease or lock expiry); stages are idempotent, so that is always
/// safe. Embedded: the leased SQLite queue; Functions: the Service Bus message the trigger was given.
/// </summary>
public interface ISettlementActions
{
    /// <summary>Done: remove the message.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Retry later: make the job visible again after <paramref name="delay"/> with its delivery count carried on, recording
    /// <paramref name="reason"/>.
    /// </summary>
    Task RetryAsync(TimeSpan delay, string reason, CancellationToken cancellationToken);

    /// <summary>Never going to work: move the message aside with one of <see cref="DeadLetterReasons"/> and a description.</summary>
    Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken);
}
