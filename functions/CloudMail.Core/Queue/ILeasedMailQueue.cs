namespace CloudMail.Core.Queue;

/// <summary>
/// The consumer side of a queue that a host drains itself, with leases and a dead-letter list: the embedded SQLite queue,
/// consumed by the embedded host's stage workers. (Service Bus is consumed by the Functions host, which settles the
/// messages it is given; it has no lease API of CloudMail's.)
/// </summary>
public interface ILeasedMailQueue : IMailQueue
{
    /// <summary>
    /// Leases up to <paramref name="maxJobs"/> visible jobs for <paramref name="leaseDuration"/>. A job whose
    /// lease expires without settlement becomes visible again with a higher delivery count.
    /// </summary>
    Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int maxJobs, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Makes every job leased by another instance of the queue visible now and returns how many: after a crash the jobs
    /// a dead process held come back at once instead of when their leases run out. Only the one process that consumes the
    /// queue may call it, at start and before it leases anything: it takes leases from any other live consumer too.
    /// </summary>
    Task<int> ReclaimLeasesOfOtherInstancesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease of a job still being worked on to <paramref name="leaseDuration"/> from now, so that a job that
    /// runs longer than one lease (a slow remote server) is not leased and run a second time meanwhile. Returns false
    /// when the lease was already lost (expired and re-leased, or settled).
    /// </summary>
    Task<bool> RenewAsync(string queue, LeasedJob job, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Removes a finished job. Returns false when the lease was lost (expired and re-leased).</summary>
    Task<bool> CompleteAsync(string queue, LeasedJob job, CancellationToken cancellationToken);

    /// <summary>Releases a job to be retried after <paramref name="retryAfter"/> (transient failure).</summary>
    Task<bool> RetryAsync(string queue, LeasedJob job, TimeSpan retryAfter, string reason, CancellationToken cancellationToken);

    /// <summary>Moves a job to the dead-letter list with a reason (permanent failure, poison message).</summary>
    Task<bool> DeadLetterAsync(string queue, LeasedJob job, string reason, CancellationToken cancellationToken);

    /// <summary>Jobs waiting or leased (not dead-lettered).</summary>
    Task<int> CountAsync(string queue, CancellationToken cancellationToken);

    /// <summary>The oldest dead-lettered jobs of <paramref name="queue"/>, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<DeadLetteredJob>> ListDeadLettersAsync(string queue, int max, CancellationToken cancellationToken);

    /// <summary>
    /// For administration: the jobs of <paramref name="queue"/>, waiting and leased ones first (by next attempt), then
    /// dead-lettered ones (oldest first), at most <paramref name="max"/> in all.
    /// </summary>
    Task<IReadOnlyList<QueuedJob>> ListJobsAsync(string queue, int max, CancellationToken cancellationToken);

    /// <summary>
    /// For administration: the job <paramref name="jobId"/> of <paramref name="queue"/> if it is waiting or leased, else its
    /// latest dead-lettered copy, else null.
    /// </summary>
    Task<QueuedJob?> FindAsync(string queue, string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// For administration: makes a waiting job visible now, or moves a dead-lettered job back to the queue, visible now,
    /// with its delivery count reset (its dead-letter entries go). A job under a lease that has not run out is left alone.
    /// Returns false when there was no such waiting or dead-lettered job.
    /// </summary>
    Task<bool> RetryNowAsync(string queue, string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// For administration: makes every waiting job of <paramref name="queue"/> whose next attempt is later visible now, in
    /// one write; leased and dead-lettered jobs are left alone. Returns how many jobs it changed.
    /// </summary>
    Task<int> MakeWaitingDueNowAsync(string queue, CancellationToken cancellationToken);

    /// <summary>
    /// For administration: removes a waiting job, or else every dead-lettered copy of it, and returns what was removed
    /// (null when there was no such job). A job under a lease that has not run out is left alone (null).
    /// </summary>
    Task<QueuedJob?> DeleteAsync(string queue, string jobId, CancellationToken cancellationToken);
}
