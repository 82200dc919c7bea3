using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Intake;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Queue;

/// <summary>
/// The stuck-intake sweep (<see cref="StuckIntakeSweeper"/>) for queue <see cref="QueueNames.Outbound"/>: finds outbound
/// jobs the queue lost, or dead-lettered on its own (repeated crashes, lock expiries, retries exhausted by storage
/// failures), and enqueues them again. Run on a timer (the Functions app's <c>StuckOutboundSweep</c>, the embedded host's
/// <c>StuckOutboundSweepService</c>). For each <see cref="OutboundLedgerEntry"/> due more than
/// <see cref="SweepLimits.StaleAfter"/> ago:
/// <list type="bullet">
/// <item>every recipient of the job is final in the delivery log (Delivered or Failed) → settled (the stage's removal
/// failed, or an administrator deleted the job): the entry is removed;</item>
/// <item>the blob is gone → nothing can be delivered: the entry is removed (warning);</item>
/// <item>requeued <see cref="SweepLimits.MaxRequeues"/> times already → given up: the entry is removed (error);</item>
/// <item>otherwise a remote recipient is still pending and no queue job settled it: the job is enqueued again with a
/// fresh JobId (<see cref="RequeueJobId"/>, never one Service Bus duplicate detection has seen) and a new entry, due
/// now, replaces the old one (written first: a crash between leaves both, never neither).</item>
/// </list>
/// The queue given here must be the backend's own, not <see cref="OutboundLedgerQueue"/> (the sweep writes its entries
/// itself). Safe beside live traffic: a requeue of a job that is merely slow runs the stage twice, which skips
/// recipients already final; at worst a recipient the two runs deliver at the same moment gets the message twice.
/// </summary>
public sealed partial class StuckOutboundSweeper(
    OutboundLedger ledger,
    IDeliveryLog deliveryLog,
    IMessageBlobStore blobs,
    IMailQueue queue,
    TimeProvider time,
    ILogger<StuckOutboundSweeper> logger)
{
    private const string RequeueSeparator = ":requeue:";

    /// <summary>One pass over the entries due before now minus <paramref name="limits"/>.StaleAfter. Storage failures propagate.</summary>
    public async Task<SweepResult> SweepAsync(SweepLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        DateTimeOffset now = time.GetUtcNow();
        var entries = await ledger.ListDueBeforeAsync(now - limits.StaleAfter, limits.MaxMarkers, cancellationToken).ConfigureAwait(false);
        int settled = 0, requeued = 0, dropped = 0;
        foreach (OutboundLedgerEntry entry in entries)
        {
            MailJob job = entry.Job;
            var final = (await deliveryLog.GetAsync(job.MessageId, cancellationToken).ConfigureAwait(false))
                .Where(r => r.Status is DeliveryStatus.Delivered or DeliveryStatus.Failed)
                .Select(r => r.Recipient).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (job.EffectiveRecipients.All(final.Contains))
            {
                await ledger.RemoveAsync(entry, cancellationToken).ConfigureAwait(false);
                settled++;
            }
            else if (!await blobs.ExistsAsync(job.Blob.Id, cancellationToken).ConfigureAwait(false))
            {
                await ledger.RemoveAsync(entry, cancellationToken).ConfigureAwait(false);
                LogBlobMissing(job.JobId, job.MessageId);
                dropped++;
            }
            else if (entry.Requeues >= limits.MaxRequeues)
            {
                await ledger.RemoveAsync(entry, cancellationToken).ConfigureAwait(false);
                LogGaveUp(job.JobId, job.MessageId, entry.Requeues);
                dropped++;
            }
            else
            {
                int requeues = entry.Requeues + 1;
                var again = new OutboundLedgerEntry(job with { JobId = RequeueJobId(job.JobId, requeues), LedgeredAt = now }, now, requeues);
                await queue.EnqueueAsync(QueueNames.Outbound, again.Job, null, cancellationToken).ConfigureAwait(false);
                await ledger.RecordAsync(again, cancellationToken).ConfigureAwait(false);
                await ledger.RemoveAsync(entry, cancellationToken).ConfigureAwait(false);
                LogRequeued(job.JobId, job.MessageId, entry.DueAt, again.Job.JobId);
                requeued++;
            }
        }
        return new SweepResult(entries.Count, settled, requeued, dropped);
    }

    /// <summary>
    /// The JobId of the <paramref name="requeue"/>-th requeue (1-based) of outbound job <paramref name="jobId"/>:
    /// <c>{original job id}:requeue:{n}</c>, the original being <paramref name="jobId"/> without an earlier requeue suffix.
    /// </summary>
    public static string RequeueJobId(string jobId, int requeue)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        int suffix = jobId.IndexOf(RequeueSeparator, StringComparison.Ordinal);
        return StuckIntakeSweeper.RequeueJobId(suffix < 0 ? jobId : jobId[..suffix], requeue);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck outbound job {JobId} of {MessageId} (due {DueAt}) requeued as {RequeueJobId}")]
    private partial void LogRequeued(string jobId, string messageId, DateTimeOffset dueAt, string requeueJobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck outbound job {JobId} of {MessageId} dropped: its blob no longer exists")]
    private partial void LogBlobMissing(string jobId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stuck outbound job {JobId} of {MessageId} still unsettled after {Requeues} requeues; ledger entry removed, look at the dead-letter queue (cloudmail queue deadletters)")]
    private partial void LogGaveUp(string jobId, string messageId, int requeues);
}
