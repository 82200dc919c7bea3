namespace CloudMail.Core.Queue;

/// <summary>
/// The producer side of the durable at-least-once work queue: all that the accept path, the pipeline stages and the
/// stuck-intake sweep need. Embedded: a SQLite table (<see cref="ILeasedMailQueue"/>, which its worker also consumes).
/// Azure: Service Bus queues (scheduled messages, duplicate detection), consumed by the Functions host's triggers.
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
}
