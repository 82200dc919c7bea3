using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;

namespace CloudMail.Core.Intake;

/// <summary>
/// The accept path shared by SMTP and the HTTP send API: stream the body into the blob store, then
/// commit the blob and enqueue the inbound job. Only when <see cref="CommitAsync"/> returns may the
/// caller tell the client the message is accepted (SMTP 250): the bytes are fsynced and the job is durable.
/// </summary>
public sealed class MessageIntake(IMessageBlobStore blobs, IMailQueue queue, PipelineSignal? signal = null)
{
    /// <summary>Starts a new message: returns its id and an uncommitted blob writer (dispose it to abandon).</summary>
    public (string MessageId, IBlobWriter Writer) Begin()
    {
        string id = MessageIds.New();
        return (id, blobs.CreateWriter(id));
    }

    /// <summary>
    /// Commits the blob, then enqueues <c>{messageId, blobRef, envelope}</c> on <see cref="QueueNames.Inbound"/>.
    /// Throws whatever the store or queue throws; then nothing was accepted (a committed blob without a job
    /// is garbage, never a lost message, because the client got no 250).
    /// </summary>
    public async Task<MailJob> CommitAsync(string messageId, IBlobWriter writer, Envelope envelope, CancellationToken cancellationToken)
    {
        BlobRef blob = await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        var job = new MailJob(messageId, messageId, blob, envelope);
        await queue.EnqueueAsync(QueueNames.Inbound, job, null, cancellationToken).ConfigureAwait(false);
        signal?.Pulse();
        return job;
    }
}
