namespace CloudMail.Core.Queue;

/// <summary>Where a job stands in its queue.</summary>
public enum QueuedJobState
{
    /// <summary>Waiting for its next attempt (a lease that ran out counts as waiting).</summary>
    Waiting,

    /// <summary>A worker holds it now.</summary>
    Leased,

    /// <summary>Moved aside after permanent failure or too many deliveries.</summary>
    DeadLettered,
}

/// <summary>A job as queue administration sees it (<see cref="ILeasedMailQueue.ListJobsAsync"/>).</summary>
/// <param name="NextAttemptAt">Waiting: when it may be leased; leased: when the lease runs out; dead-lettered: null.</param>
/// <param name="Reason">Waiting: the reason of the last retry, if any; dead-lettered: why it was moved aside.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered; null otherwise.</param>
public sealed record QueuedJob(
    string Queue,
    MailJob Job,
    QueuedJobState State,
    int DeliveryCount,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? NextAttemptAt,
    string? Reason,
    DateTimeOffset? DeadLetteredAt);
