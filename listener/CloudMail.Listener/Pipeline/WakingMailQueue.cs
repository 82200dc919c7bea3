using CloudMail.Core.Blobs;
using CloudMail.Core.Queue;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// The embedded host's <see cref="IMailQueue"/>: enqueues on the durable queue, then, for a job visible now, wakes the
/// worker of that queue (<see cref="QueueWakeups"/>). A job for later (a scheduled retry) wakes nobody; the worker's
/// poll finds it when it is due. The durable queue's joint blob-and-job commit (<see cref="IJointBlobQueue"/>, the accept
/// path's one fsync per message) passes through, and wakes the worker the same way.
/// </summary>
public sealed class WakingMailQueue(ILeasedMailQueue inner, QueueWakeups wakeups, TimeProvider time) : IJointBlobQueue
{
    public async Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        await inner.EnqueueAsync(queue, job, notBefore, cancellationToken).ConfigureAwait(false);
        if (notBefore is not { } at || at <= time.GetUtcNow()) wakeups.For(queue).Pulse();
    }

    /// <summary>The durable queue's answer when it commits blobs jointly, else null.</summary>
    public BlobRef? TryPrepare(IBlobWriter writer) => (inner as IJointBlobQueue)?.TryPrepare(writer);

    public async Task<bool> EnqueueWithBlobAsync(string queue, MailJob job, IBlobWriter writer, string? removeBlobId, CancellationToken cancellationToken)
    {
        var joint = inner as IJointBlobQueue ?? throw new InvalidOperationException("The durable queue does not commit blobs jointly (TryPrepare returned null).");
        bool removed = await joint.EnqueueWithBlobAsync(queue, job, writer, removeBlobId, cancellationToken).ConfigureAwait(false);
        wakeups.For(queue).Pulse();
        return removed;
    }
}
