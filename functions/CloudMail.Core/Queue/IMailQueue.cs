namespace CloudMail.Core.Queue;

/// <summary>
/// Durable at-least-once work queue with delayed delivery, leases and a dead-letter list.
/// Embedded: a SQLite table. Azure: Service Bus queues (scheduled messages, peek-lock, DLQ, duplicate detection).
/// Consumers must be idempotent: a job may be delivered again after a crash or an expired lease.
/// </summary>
public interface IMailQueue
{
    /// <summary>
    /// Durably enqueues <paramref name="job"/> on <paramref name="queue"/>, visible at
    /// <paramref name="notBefore"/> (or now). When this returns the job survives a crash.
    /// Enqueueing a JobId that is already queued or leased is a no-op.
    /// </summary>
    Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="maxJobs"/> visible jobs for <paramref name="leaseDuration"/>. A job whose
    /// lease expires without settlement becomes visible again with a higher delivery count.
    /// </summary>
    Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int maxJobs, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Removes a finished job. Returns false when the lease was lost (expired and re-leased).</summary>
    Task<bool> CompleteAsync(string queue, LeasedJob job, CancellationToken cancellationToken);

    /// <summary>Releases a job to be retried after <paramref name="retryAfter"/> (transient failure).</summary>
    Task<bool> RetryAsync(string queue, LeasedJob job, TimeSpan retryAfter, string reason, CancellationToken cancellationToken);

    /// <summary>Moves a job to the dead-letter list with a reason (permanent failure, poison message).</summary>
    Task<bool> DeadLetterAsync(string queue, LeasedJob job, string reason, CancellationToken cancellationToken);

    /// <summary>Jobs waiting or leased (not dead-lettered).</summary>
    Task<int> CountAsync(string queue, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetteredJob>> ListDeadLettersAsync(string queue, int max, CancellationToken cancellationToken);
}
