using CloudMail.Core.Blobs;
using CloudMail.Core.Queue;
using CloudMail.Storage.Embedded.Blobs;

namespace CloudMail.Storage.Embedded.Queue;

/// <summary>
/// The joint commit of a small message blob and its job (<see cref="IJointBlobQueue"/>): the blob table lives in this
/// queue's database (<see cref="EmbeddedStorage"/>), so the blob row, the job row and the removal of the staging blob's
/// row are one item of one group commit — one WAL fsync shared with the other sessions, instead of one commit per step.
/// </summary>
internal sealed partial class SqliteMailQueue : IJointBlobQueue
{
    /// <summary>Non-null for a <see cref="BufferedBlobWriter"/> still in memory whose rows live in this database (see <see cref="BufferedBlobWriter.TryPrepare"/>).</summary>
    public BlobRef? TryPrepare(IBlobWriter writer) => (writer as BufferedBlobWriter)?.TryPrepare(db);

    public async Task<bool> EnqueueWithBlobAsync(string queue, MailJob job, IBlobWriter writer, string? removeBlobId, CancellationToken cancellationToken)
    {
        var small = writer as BufferedBlobWriter ?? throw new ArgumentException("Not a writer of this queue's blob table.", nameof(writer));
        if (small.TryPrepare(db) is not { } blob) throw new InvalidOperationException("The blob is not prepared for a joint commit (TryPrepare returned null).");
        if (job.Blob != blob) throw new ArgumentException("The job does not reference the writer's blob.", nameof(job));
        ReadOnlyMemory<byte> bytes = small.PreparedContent(); // valid until MarkCommitted below (or the writer's disposal)
        var insertJob = PrepareInsert(queue, job, null);
        bool removed = await db.WriteAsync(c =>
        {
            SqliteBlobTable.Insert(c, blob, bytes);
            insertJob(c);
            return removeBlobId is null || SqliteBlobTable.Delete(c, removeBlobId);
        }, cancellationToken).ConfigureAwait(false);
        small.MarkCommitted();
        return removed;
    }
}
