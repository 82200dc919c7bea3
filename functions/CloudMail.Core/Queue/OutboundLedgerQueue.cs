using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Queue;

/// <summary>
/// Decorates the mail queue of a host that runs the pipeline: before a job of <see cref="QueueNames.Outbound"/> is
/// enqueued, its <see cref="OutboundLedgerEntry"/> is recorded, due at <c>notBefore</c> (or now), and the job goes out
/// with <see cref="MailJob.LedgeredAt"/> set to that time so the stage can remove the entry once it has settled the job.
/// Every other call passes through. When the enqueue fails the entry is removed again (best effort) and the exception
/// propagates: the caller (the inbound or outbound stage) is retried and enqueues the job again; a leftover entry costs
/// at most one requeue by the sweep, which the stage's idempotence makes harmless. An inner queue's joint blob commit
/// (<see cref="IJointBlobQueue"/>, the accept path's inbound jobs) passes through as well.
/// </summary>
public sealed partial class OutboundLedgerQueue(IMailQueue inner, OutboundLedger ledger, TimeProvider time, ILogger<OutboundLedgerQueue> logger) : IJointBlobQueue
{
    /// <summary>The inner queue's answer when it commits blobs jointly, else null.</summary>
    public Blobs.BlobRef? TryPrepare(Blobs.IBlobWriter writer) => (inner as IJointBlobQueue)?.TryPrepare(writer);

    /// <summary>
    /// Passes through for every queue but <see cref="QueueNames.Outbound"/>, whose jobs need their ledger entry first:
    /// those throw <see cref="NotSupportedException"/> (commit the blob, then <see cref="EnqueueAsync"/>).
    /// </summary>
    public Task<bool> EnqueueWithBlobAsync(string queue, MailJob job, Blobs.IBlobWriter writer, string? removeBlobId, CancellationToken cancellationToken)
    {
        var joint = inner as IJointBlobQueue ?? throw new InvalidOperationException("The inner queue does not commit blobs jointly (TryPrepare returned null).");
        if (queue == QueueNames.Outbound) throw new NotSupportedException("Outbound jobs are enqueued after their ledger entry: commit the blob, then EnqueueAsync.");
        return joint.EnqueueWithBlobAsync(queue, job, writer, removeBlobId, cancellationToken);
    }

    public async Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (queue != QueueNames.Outbound)
        {
            await inner.EnqueueAsync(queue, job, notBefore, cancellationToken).ConfigureAwait(false);
            return;
        }
        DateTimeOffset due = notBefore ?? time.GetUtcNow();
        var entry = new OutboundLedgerEntry(job with { LedgeredAt = due }, due, 0);
        await ledger.RecordAsync(entry, cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.EnqueueAsync(queue, entry.Job, notBefore, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await ledger.RemoveAsync(entry, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The enqueue failure, rethrown below, is what the caller must see; any type (storage SDKs have their own).
                LogEntryLeft(e.GetType().Name, job.JobId);
            }
            throw;
        }
    }

    /// <remarks>Names the exception's type only: a storage SDK's message may quote connection details.</remarks>
    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound ledger entry of {JobId} not removed after its enqueue failed ({ErrorType}); the stuck-outbound sweep may enqueue it once")]
    private partial void LogEntryLeft(string errorType, string jobId);
}
