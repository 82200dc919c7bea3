using System.Security.Cryptography;
using CloudMail.Core.Delivery;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.Storage;

namespace CloudMail.Core.SendApi;

/// <summary>
/// The storage half of a send: write the blob (write-once), record every recipient as Pending with 0 attempts,
/// enqueue the inbound job, wake the worker. Only when this returns may the client be told 202 (accepted means
/// durable, as for SMTP's 250). The order matters: the blob is committed before anything refers to it, and the
/// Pending records are written before the job exists, so the inbound stage's upserts always come later.
///
/// With an idempotency-derived id whose blob already exists, nothing is written again (the rebuilt MIME would
/// differ in Date and Message-ID): if the inbound stage has already recorded an attempt for any recipient the
/// message was routed and nothing is done; otherwise the job is enqueued again (a JobId still queued or leased is
/// a no-op), which covers a crash between the blob commit and the enqueue. A retry therefore delivers once.
/// </summary>
public sealed class MessageAcceptor(IMessageBlobStore blobs, IMailQueue queue, IDeliveryLog deliveryLog, PipelineSignal? signal = null)
{
    /// <summary>Writes the message bytes into a stream that enforces the size limit.</summary>
    public delegate Task BodyWriter(Stream destination, string messageId, DateTimeOffset date, CancellationToken cancellationToken);

    /// <summary>
    /// Accepts one message. Returns <see cref="AcceptOutcome.Stored"/>, <see cref="AcceptOutcome.AlreadyAccepted"/>
    /// or <see cref="AcceptOutcome.TooLarge"/>. Storage exceptions propagate: then nothing was accepted.
    /// </summary>
    public async Task<AcceptOutcome> AcceptAsync(string messageId, bool idempotent, Envelope envelope, long maxMessageSize,
        BodyWriter writeBody, CancellationToken cancellationToken)
    {
        if (idempotent && await blobs.ExistsAsync(messageId, cancellationToken).ConfigureAwait(false))
            return await ResumeAsync(messageId, envelope, cancellationToken).ConfigureAwait(false);

        BlobRef blob;
        await using (var writer = blobs.CreateWriter(messageId))
        {
            try
            {
                await using var stream = new BlobWriterStream(writer, maxMessageSize);
                await writeBody(stream, messageId, envelope.ReceivedAt, cancellationToken).ConfigureAwait(false);
            }
            catch (MessageTooLargeException)
            {
                return AcceptOutcome.TooLarge;
            }
            try
            {
                blob = await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (idempotent)
            {
                // A concurrent request with the same Idempotency-Key committed first (write-once): that one enqueues.
                return AcceptOutcome.AlreadyAccepted;
            }
        }
        foreach (string recipient in envelope.Recipients)
        {
            await deliveryLog.RecordAsync(new DeliveryRecord(messageId, recipient, DeliveryStatus.Pending, 0, null, envelope.ReceivedAt),
                cancellationToken).ConfigureAwait(false);
        }
        await queue.EnqueueAsync(QueueNames.Inbound, new MailJob(messageId, messageId, blob, envelope), null, cancellationToken).ConfigureAwait(false);
        signal?.Pulse();
        return AcceptOutcome.Stored(blob.Size);
    }

    private async Task<AcceptOutcome> ResumeAsync(string messageId, Envelope envelope, CancellationToken cancellationToken)
    {
        var records = await deliveryLog.GetAsync(messageId, cancellationToken).ConfigureAwait(false);
        if (records.Any(r => r.Attempts > 0)) return AcceptOutcome.AlreadyAccepted;
        var blob = await DescribeAsync(messageId, cancellationToken).ConfigureAwait(false);
        await queue.EnqueueAsync(QueueNames.Inbound, new MailJob(messageId, messageId, blob, envelope), null, cancellationToken).ConfigureAwait(false);
        signal?.Pulse();
        return AcceptOutcome.AlreadyAccepted;
    }

    /// <summary>Rebuilds the claim-check of a committed blob (size and SHA-256) by reading it once.</summary>
    private async Task<BlobRef> DescribeAsync(string blobId, CancellationToken cancellationToken)
    {
        await using var stream = await blobs.OpenReadAsync(blobId, cancellationToken).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
        }
        return new BlobRef(blobId, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}

/// <summary>What <see cref="MessageAcceptor.AcceptAsync"/> did.</summary>
public abstract record AcceptOutcome
{
    private AcceptOutcome() { }

    /// <summary>Stored, recorded and enqueued now.</summary>
    public sealed record StoredNow(long Size) : AcceptOutcome;

    /// <summary>The id was accepted before (same Idempotency-Key); nothing was written again.</summary>
    public sealed record Duplicate : AcceptOutcome;

    /// <summary>The serialized message exceeded the limit; nothing was stored.</summary>
    public sealed record Oversized : AcceptOutcome;

    public static AcceptOutcome Stored(long size) => new StoredNow(size);

    public static readonly AcceptOutcome AlreadyAccepted = new Duplicate();

    public static readonly AcceptOutcome TooLarge = new Oversized();
}
