using CloudMail.Core.Blobs;

namespace CloudMail.Core.Queue;

/// <summary>
/// Optional capability of a mail queue whose backend can store a message's blob and enqueue its job in ONE durable
/// commit (embedded: the small-blob table and the job table share a SQLite database, so one group commit, one WAL
/// fsync). The accept path (<see cref="Intake.MessageIntake"/>) uses it when the queue and the blob writer allow it and
/// falls back to <see cref="IBlobWriter.CommitAsync"/> followed by <see cref="IMailQueue.EnqueueAsync"/> otherwise.
/// Either way a completed task means both are durable; after a crash either both exist or neither does.
/// </summary>
public interface IJointBlobQueue : IMailQueue
{
    /// <summary>
    /// The claim-check <paramref name="writer"/>'s blob will have (its content complete: nothing more is written), when
    /// this queue can commit that blob together with a job (<see cref="EnqueueWithBlobAsync"/>); null when it cannot
    /// (another store's writer, or a blob too large for the joint commit): then commit the writer on its own.
    /// </summary>
    BlobRef? TryPrepare(IBlobWriter writer);

    /// <summary>
    /// Stores the prepared <paramref name="writer"/>'s blob (write-once, as <see cref="IBlobWriter.CommitAsync"/>),
    /// enqueues <paramref name="job"/> on <paramref name="queue"/> (as <see cref="IMailQueue.EnqueueAsync"/>, visible at
    /// once) and, when <paramref name="removeBlobId"/> is given, removes that blob if this commit can (a staging blob the
    /// message was copied from) — all in one durable commit. Returns true when <paramref name="removeBlobId"/> is gone
    /// (or none was given), false when the caller must still delete it with <see cref="IMessageBlobStore.DeleteAsync"/>.
    /// Throws what the store or queue throws; then nothing of it was stored.
    /// </summary>
    Task<bool> EnqueueWithBlobAsync(string queue, MailJob job, IBlobWriter writer, string? removeBlobId, CancellationToken cancellationToken);
}
