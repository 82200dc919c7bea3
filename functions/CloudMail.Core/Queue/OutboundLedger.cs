using CloudMail.Core.Intake;

namespace CloudMail.Core.Queue;

/// <summary>
/// The record that makes a lost outbound job visible: one <see cref="OutboundLedgerEntry"/> per outbound job, written
/// before the job is enqueued (<see cref="OutboundLedgerQueue"/>) and removed once the outbound stage has settled the job
/// (<see cref="ForgetAsync"/>). An entry that outlives its due time by a threshold belongs to a job the queue lost or
/// dead-lettered; <see cref="StuckOutboundSweeper"/> enqueues it again. Without it nothing stored says that a job is
/// missing: the delivery log is keyed by message and cannot be listed by state, and Service Bus cannot be asked whether
/// a message is still in flight.
/// </summary>
/// <remarks>
/// Stored in a second instance of the intake outbox's storage (<see cref="IIntakeOutbox"/>: Azure table
/// <c>outboundledger</c>, embedded <c>outbound-ledger.db</c>), registered under <see cref="StoreKey"/>: the same point
/// writes and one range query by age. That storage keys a marker by <c>Job.MessageId</c>, and one message has several
/// outbound jobs (direct, forwards, retries), so the ledger stores each job with its <see cref="MailJob.JobId"/> and
/// <see cref="MailJob.MessageId"/> exchanged (keyed by job id) and exchanges them back when it reads.
/// </remarks>
public sealed class OutboundLedger(IIntakeOutbox store)
{
    /// <summary>Service key of the <see cref="IIntakeOutbox"/> instance that stores the ledger.</summary>
    public const string StoreKey = "cloudmail-outbound-ledger";

    /// <summary>Stores <paramref name="entry"/>; durable when it returns. Its job must carry <see cref="MailJob.LedgeredAt"/> = its time.</summary>
    public Task RecordAsync(OutboundLedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return store.RecordAsync(Stored(entry), cancellationToken);
    }

    /// <summary>Entries due before <paramref name="cutoff"/>, at most <paramref name="max"/>, oldest first (see <see cref="IIntakeOutbox.ListRecordedBeforeAsync"/>).</summary>
    public async Task<IReadOnlyList<OutboundLedgerEntry>> ListDueBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken)
    {
        var markers = await store.ListRecordedBeforeAsync(cutoff, max, cancellationToken).ConfigureAwait(false);
        return [.. markers.Select(m => new OutboundLedgerEntry(Exchanged(m.Job), m.RecordedAt, m.Requeues))];
    }

    /// <summary>Removes <paramref name="entry"/> (same job id and time); no error when it is gone.</summary>
    public Task RemoveAsync(OutboundLedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return store.RemoveAsync(Stored(entry), cancellationToken);
    }

    /// <summary>
    /// Removes the entry of <paramref name="job"/> once the outbound stage has settled it (named from the job alone:
    /// job id and <see cref="MailJob.LedgeredAt"/>). A job without <see cref="MailJob.LedgeredAt"/> (enqueued where no
    /// ledger was kept) has no entry: nothing to do.
    /// </summary>
    public Task ForgetAsync(MailJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.LedgeredAt is { } at ? RemoveAsync(new OutboundLedgerEntry(job, at, 0), cancellationToken) : Task.CompletedTask;
    }

    private static IntakeMarker Stored(OutboundLedgerEntry entry) => new(Exchanged(entry.Job), entry.DueAt, entry.Requeues);

    private static MailJob Exchanged(MailJob job) => job with { JobId = job.MessageId, MessageId = job.JobId };
}

/// <summary>One outbound job not settled yet.</summary>
/// <param name="Job">The job as enqueued, with <see cref="MailJob.LedgeredAt"/> = <paramref name="DueAt"/>.</param>
/// <param name="DueAt">When the job became (or becomes) visible on the queue: enqueue time, or its scheduled time.</param>
/// <param name="Requeues">How many times the sweeper has enqueued the job again.</param>
public sealed record OutboundLedgerEntry(MailJob Job, DateTimeOffset DueAt, int Requeues);
