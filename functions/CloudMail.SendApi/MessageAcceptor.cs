using CloudMail.Core.Telemetry;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.SendApi;

namespace CloudMail.SendApi;

/// <summary>
/// The storage half of a send: write the blob (write-once), record every recipient as Pending with 0 attempts,
/// enqueue the inbound job, wake the worker. Only when this returns may the client be told 202 (accepted means
/// durable, as for SMTP's 250). The order matters: the blob is committed before anything refers to it, and the
/// Pending records are written before the job exists, so the inbound stage's upserts always come later.
///
/// With an idempotency-derived id the body is written to an uncommitted blob first, which reads the whole request and
/// so completes its fingerprint; then the fingerprint is claimed (<see cref="IIdempotencyStore"/>). Another fingerprint on
/// record means the key was used for another request: nothing is committed (<see cref="AcceptOutcome.KeyReused"/>). The
/// same fingerprint with the blob already committed is a retry: the new bytes are discarded (the rebuilt MIME would
/// differ in Date and Message-ID), and if the inbound stage has not recorded an attempt for any recipient yet the job is
/// enqueued again (a JobId still queued or leased is a no-op), which covers a crash between the blob commit and the
/// enqueue. A retry whose message was routed and whose blob was reclaimed since finds the delivery log and stores
/// nothing. A retry therefore delivers once. After the key's record was forgotten (<c>CloudMail:Retention</c>), a request
/// with the key that finds its message still stored is answered with it and routes nothing; one that finds neither the
/// message nor its log is a new message.
/// </summary>
public sealed class MessageAcceptor(IMessageBlobStore blobs, IMailQueue queue, IDeliveryLog deliveryLog, IIdempotencyStore idempotency,
    PipelineSignal? signal = null)
{
    /// <summary>Writes the message bytes into a stream that enforces the size limit.</summary>
    public delegate Task BodyWriter(Stream destination, string messageId, DateTimeOffset date, CancellationToken cancellationToken);

    /// <summary>
    /// Accepts one message. <paramref name="fingerprint"/> is given for an idempotent request (the id derived from its
    /// Idempotency-Key) and read after <paramref name="writeBody"/> has consumed the request. Returns
    /// <see cref="AcceptOutcome.Stored"/>, <see cref="AcceptOutcome.AlreadyAccepted"/>, <see cref="AcceptOutcome.TooLarge"/>
    /// or <see cref="AcceptOutcome.KeyReused"/>. Storage exceptions propagate: then nothing was accepted.
    /// </summary>
    public async Task<AcceptOutcome> AcceptAsync(string messageId, Func<string>? fingerprint, Envelope envelope, long maxMessageSize,
        BodyWriter writeBody, CancellationToken cancellationToken)
    {
        bool idempotent = fingerprint is not null;
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
            if (idempotent && await ClaimAsync(messageId, fingerprint!(), envelope, cancellationToken).ConfigureAwait(false) is { } earlier)
                return earlier;
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
        using (var span = CloudMailTelemetry.Source.StartActivity("api.accept", System.Diagnostics.ActivityKind.Server))
        {
            span?.SetTag("cloudmail.message_id", messageId);
            await queue.EnqueueAsync(QueueNames.Inbound, new MailJob(messageId, messageId, blob, envelope, TraceParent: CloudMailTelemetry.TraceParentOf(span)),
                null, cancellationToken).ConfigureAwait(false);
        }
        CloudMailTelemetry.Accepted.Add(1, new KeyValuePair<string, object?>("via", "api"));
        signal?.Pulse();
        return AcceptOutcome.Stored(blob.Size);
    }

    /// <summary>Null when the message is still to be committed; otherwise what to answer instead.</summary>
    private async Task<AcceptOutcome?> ClaimAsync(string messageId, string fingerprint, Envelope envelope, CancellationToken cancellationToken)
    {
        IdempotencyClaim claim = await idempotency.ClaimAsync(messageId, fingerprint, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(claim.Fingerprint, fingerprint, StringComparison.Ordinal)) return AcceptOutcome.KeyReused;
        if (await blobs.ExistsAsync(messageId, cancellationToken).ConfigureAwait(false))
        {
            // A first claim finding the blob committed: an earlier request with this key stored it and its record was
            // forgotten since (RetentionOptions.IdempotencyKeys), so its log may be gone too; resuming could route it again.
            return claim.RecordedNow ? AcceptOutcome.AlreadyAccepted : await ResumeAsync(messageId, envelope, cancellationToken).ConfigureAwait(false);
        }
        if ((await deliveryLog.GetAsync(messageId, cancellationToken).ConfigureAwait(false)).Count > 0) return AcceptOutcome.AlreadyAccepted;
        return null;
    }

    private async Task<AcceptOutcome> ResumeAsync(string messageId, Envelope envelope, CancellationToken cancellationToken)
    {
        var records = await deliveryLog.GetAsync(messageId, cancellationToken).ConfigureAwait(false);
        if (records.Any(r => r.Attempts > 0)) return AcceptOutcome.AlreadyAccepted;
        var blob = await blobs.DescribeAsync(messageId, cancellationToken).ConfigureAwait(false);
        using (var span = CloudMailTelemetry.Source.StartActivity("api.accept", System.Diagnostics.ActivityKind.Server))
        {
            span?.SetTag("cloudmail.message_id", messageId);
            await queue.EnqueueAsync(QueueNames.Inbound, new MailJob(messageId, messageId, blob, envelope, TraceParent: CloudMailTelemetry.TraceParentOf(span)),
                null, cancellationToken).ConfigureAwait(false);
        }
        CloudMailTelemetry.Accepted.Add(1, new KeyValuePair<string, object?>("via", "api"));
        signal?.Pulse();
        return AcceptOutcome.AlreadyAccepted;
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

    /// <summary>The Idempotency-Key was used before with a different request; nothing was stored.</summary>
    public sealed record Reused : AcceptOutcome;

    public static readonly AcceptOutcome KeyReused = new Reused();
}
