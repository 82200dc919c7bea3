using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;

namespace CloudMail.Core.Quarantine;

/// <summary>
/// What <c>cloudmail quarantine</c> and the admin API's <c>/quarantine</c> do, over <see cref="IQuarantineStore"/>:
/// list, show, release (deliver after all, without scanning again) and delete (the message's bytes too).
/// Each step is safe to repeat after a crash: release queues the job before it removes the entry (a repeated release
/// queues the same JobId), delete removes the entry before the blob (a leftover blob is garbage, never a release of
/// a missing message).
/// </summary>
public sealed class QuarantineAdministration(IQuarantineStore store, IDeliveryLog deliveryLog, IMessageBlobStore blobs, TimeProvider time,
    IMailQueue? queue = null, PipelineSignal? signal = null)
{
    /// <summary>Delivery-log reply of the recipients of a released message until it is routed.</summary>
    public const string ReleasedReply = "released from quarantine; queued for delivery";

    /// <summary>Every entry, newest first.</summary>
    public Task<IReadOnlyList<QuarantineEntry>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>One entry, or null (also for a malformed id).</summary>
    public async Task<QuarantineEntry?> ShowAsync(string messageId, CancellationToken cancellationToken) =>
        MessageIds.IsValid(messageId) ? await store.GetAsync(messageId, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>Ends the job id of a released message, which no scan holds again (<see cref="PipelineVirusCheck"/>).</summary>
    public const string ReleasedJobSuffix = ":released";

    /// <summary>
    /// Queues the message for routing again, marked as already scanned (<see cref="Envelope.ScanPending"/> false, verdict
    /// "released from quarantine"), logs its recipients Pending, and removes the entry. False when there is no such entry.
    /// Throws <see cref="InvalidOperationException"/> where this host cannot queue (no queue registered).
    /// </summary>
    public async Task<bool> ReleaseAsync(string messageId, CancellationToken cancellationToken)
    {
        if (await ShowAsync(messageId, cancellationToken).ConfigureAwait(false) is not { } entry) return false;
        if (queue is null) throw new InvalidOperationException("this host has no queue to release the message into");
        var envelope = entry.Job.Envelope with { ScanPending = false, Verdict = $"released from quarantine (virus {entry.Signature})" };
        var job = entry.Job with { JobId = entry.MessageId + ReleasedJobSuffix, Envelope = envelope, TraceParent = null, LedgeredAt = null };
        DateTimeOffset now = time.GetUtcNow();
        foreach (string recipient in job.EffectiveRecipients.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            await deliveryLog.RecordAsync(new DeliveryRecord(entry.MessageId, recipient, DeliveryStatus.Pending, 0, ReleasedReply, now), cancellationToken)
                .ConfigureAwait(false);
        }
        await queue.EnqueueAsync(QueueNames.Inbound, job, null, cancellationToken).ConfigureAwait(false);
        await store.RemoveAsync(entry.MessageId, cancellationToken).ConfigureAwait(false);
        signal?.Pulse();
        return true;
    }

    /// <summary>
    /// Deletes the entry and the message's bytes, and logs its recipients <see cref="DeliveryStatus.Failed"/> (deleted
    /// from quarantine). False when there is no such entry.
    /// </summary>
    public async Task<bool> DeleteAsync(string messageId, CancellationToken cancellationToken)
    {
        if (await ShowAsync(messageId, cancellationToken).ConfigureAwait(false) is not { } entry) return false;
        DateTimeOffset now = time.GetUtcNow();
        string reply = $"554 5.7.1 deleted from quarantine: virus {entry.Signature}; not delivered";
        foreach (string recipient in entry.Job.EffectiveRecipients.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            await deliveryLog.RecordAsync(new DeliveryRecord(entry.MessageId, recipient, DeliveryStatus.Failed, 1, reply, now), cancellationToken)
                .ConfigureAwait(false);
        }
        if (!await store.RemoveAsync(entry.MessageId, cancellationToken).ConfigureAwait(false)) return false;
        await blobs.DeleteAsync(entry.Job.Blob.Id, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
