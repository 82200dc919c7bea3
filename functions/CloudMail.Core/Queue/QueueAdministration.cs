using CloudMail.Core.DeliveryLog;

namespace CloudMail.Core.Queue;

/// <summary>What an administrative change of a queued job came to.</summary>
public enum QueueChange
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>No queue holds a waiting or dead-lettered job with that id.</summary>
    NotFound,

    /// <summary>A worker holds the job now (its lease has not run out): try again after the attempt.</summary>
    Leased,
}

/// <summary>
/// <c>cloudmail queue list|show|retry|delete</c> over every queue of <see cref="QueueNames.All"/>: finds jobs by job id,
/// shows them with their message's delivery log, retries them now, deletes them. Deleting records each of the job's
/// recipients that is not already final (delivered or failed) as <see cref="DeliveryStatus.Failed"/> with the reply
/// <see cref="DeletedReply"/>, so the send API and the log say what became of the message. No bounce is sent: the
/// administrator chose to drop the mail.
/// </summary>
public sealed class QueueAdministration(ILeasedMailQueue queue, IDeliveryLog deliveryLog, TimeProvider time)
{
    /// <summary>At most this many jobs per queue are listed.</summary>
    public const int MaxListedPerQueue = 1000;

    /// <summary>The delivery-log reply of recipients whose job was deleted.</summary>
    public const string DeletedReply = "deleted by administrator";

    /// <summary>Every queue's jobs, queue by queue (<see cref="ILeasedMailQueue.ListJobsAsync"/> order within one).</summary>
    public async Task<IReadOnlyList<QueuedJob>> ListAsync(CancellationToken cancellationToken)
    {
        var jobs = new List<QueuedJob>();
        foreach (string name in QueueNames.All)
        {
            jobs.AddRange(await queue.ListJobsAsync(name, MaxListedPerQueue, cancellationToken).ConfigureAwait(false));
        }
        return jobs;
    }

    /// <summary>Every listed job (<see cref="ListAsync"/>) that carries message <paramref name="messageId"/>: the stages it waits in or failed in.</summary>
    public async Task<IReadOnlyList<QueuedJob>> JobsOfMessageAsync(string messageId, CancellationToken cancellationToken) =>
        [.. (await ListAsync(cancellationToken).ConfigureAwait(false)).Where(j => j.Job.MessageId == messageId)];

    /// <summary>The job <paramref name="jobId"/> of the first queue that has it, with its message's delivery-log records; null when none has it.</summary>
    public async Task<(QueuedJob Job, IReadOnlyList<DeliveryRecord> Deliveries)?> ShowAsync(string jobId, CancellationToken cancellationToken)
    {
        QueuedJob? job = await FindAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job is null) return null;
        return (job, await deliveryLog.GetAsync(job.Job.MessageId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Makes a waiting job due now, or moves a dead-lettered one back to its queue.</summary>
    public async Task<QueueChange> RetryAsync(string jobId, CancellationToken cancellationToken)
    {
        QueuedJob? job = await FindAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job is null) return QueueChange.NotFound;
        return await queue.RetryNowAsync(job.Queue, jobId, cancellationToken).ConfigureAwait(false) ? QueueChange.Done : Refusal(job);
    }

    /// <summary>
    /// Makes every waiting job whose next attempt is later due now (<c>postqueue -f</c>, <c>sendmail -q</c>): after a
    /// remote server or the network is back, deferred mail goes out at once instead of at its next retry. Dead-lettered
    /// jobs stay where they are (<see cref="RetryAsync"/> moves one back). Returns how many jobs were made due.
    /// </summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        int flushed = 0;
        foreach (string name in QueueNames.All)
            flushed += await queue.MakeWaitingDueNowAsync(name, cancellationToken).ConfigureAwait(false);
        return flushed;
    }

    /// <summary>Removes a waiting or dead-lettered job and records its open recipients as failed (<see cref="DeletedReply"/>).</summary>
    public async Task<QueueChange> DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        QueuedJob? job = await FindAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job is null) return QueueChange.NotFound;
        QueuedJob? removed = await queue.DeleteAsync(job.Queue, jobId, cancellationToken).ConfigureAwait(false);
        if (removed is null) return Refusal(job);
        await RecordDeletedAsync(removed, cancellationToken).ConfigureAwait(false);
        return QueueChange.Done;
    }

    private async Task<QueuedJob?> FindAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        foreach (string name in QueueNames.All)
        {
            QueuedJob? job = await queue.FindAsync(name, jobId.Trim(), cancellationToken).ConfigureAwait(false);
            if (job is not null) return job;
        }
        return null;
    }

    private async Task RecordDeletedAsync(QueuedJob removed, CancellationToken cancellationToken)
    {
        string messageId = removed.Job.MessageId;
        var previous = (await deliveryLog.GetAsync(messageId, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.Recipient, StringComparer.OrdinalIgnoreCase);
        DateTimeOffset now = time.GetUtcNow();
        foreach (string recipient in removed.Job.EffectiveRecipients)
        {
            previous.TryGetValue(recipient, out DeliveryRecord? record);
            if (record?.Status is DeliveryStatus.Delivered or DeliveryStatus.Failed) continue;
            await deliveryLog.RecordAsync(new DeliveryRecord(messageId, recipient, DeliveryStatus.Failed, record?.Attempts ?? removed.DeliveryCount,
                DeletedReply, now, DeliveryStages.Admin), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Why the queue refused a change of a job that exists: it is leased (or was leased in between).</summary>
    private static QueueChange Refusal(QueuedJob job) => job.State == QueuedJobState.DeadLettered ? QueueChange.NotFound : QueueChange.Leased;
}
