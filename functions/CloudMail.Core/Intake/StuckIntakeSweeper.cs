using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Intake;

/// <summary>
/// Finds accepted messages whose inbound job never got routed (the queue lost it, or dead-lettered it on its own after
/// repeated crashes, lock expiries or message expiry) and enqueues the job again. Run on a timer (the Functions app's
/// <c>StuckIntakeSweep</c>). The markers of messages routed normally are removed by the inbound stage (<see cref="IntakeMarkerRemoval"/>) right after
/// routing, so the sweep mostly sees the stuck ones and the leftovers of a failed removal or of its own requeues. For
/// each <see cref="IntakeMarker"/> older than <see cref="SweepLimits.StaleAfter"/>:
/// <list type="bullet">
/// <item>the delivery log has an attempt for the message (the inbound stage ran) → routed: the marker is removed;</item>
/// <item>the blob is gone → nothing can be delivered: the marker is removed (logged as a warning);</item>
/// <item>requeued <see cref="SweepLimits.MaxRequeues"/> times already → given up: the marker is removed (logged as an error);</item>
/// <item>otherwise the job is enqueued again with a fresh JobId per requeue (<see cref="RequeueJobId"/>) and the
/// marker's clock restarts (a new marker with one more requeue replaces it).</item>
/// </list>
/// The queue given here must be the backend's own (not <see cref="IntakeRecordingQueue"/>): a failed requeue leaves the
/// marker as it was, for the next sweep. The JobId must be new: Service Bus drops a message whose MessageId it saw within
/// its duplicate-detection window (one hour on CloudMail's queues), which the original job's id always is. Safe to repeat
/// and to run beside live traffic: a requeue of a job that is still queued is processed twice, harmlessly (the inbound
/// stage is idempotent per message id).
/// </summary>
public sealed partial class StuckIntakeSweeper(
    IIntakeOutbox outbox,
    IDeliveryLog deliveryLog,
    IMessageBlobStore blobs,
    IMailQueue queue,
    TimeProvider time,
    ILogger<StuckIntakeSweeper> logger)
{
    /// <summary>One pass over the markers older than <paramref name="limits"/>.StaleAfter. Storage failures propagate.</summary>
    public async Task<SweepResult> SweepAsync(SweepLimits limits, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var markers = await outbox.ListRecordedBeforeAsync(now - limits.StaleAfter, limits.MaxMarkers, cancellationToken).ConfigureAwait(false);
        int routed = 0, requeued = 0, dropped = 0;
        foreach (var marker in markers)
        {
            string id = marker.Job.MessageId;
            var records = await deliveryLog.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (records.Any(r => r.Attempts > 0))
            {
                await outbox.RemoveAsync(marker, cancellationToken).ConfigureAwait(false);
                routed++;
            }
            else if (!await blobs.ExistsAsync(marker.Job.Blob.Id, cancellationToken).ConfigureAwait(false))
            {
                await outbox.RemoveAsync(marker, cancellationToken).ConfigureAwait(false);
                LogBlobMissing(id);
                dropped++;
            }
            else if (marker.Requeues >= limits.MaxRequeues)
            {
                await outbox.RemoveAsync(marker, cancellationToken).ConfigureAwait(false);
                LogGaveUp(id, marker.Requeues);
                dropped++;
            }
            else
            {
                var job = marker.Job with { JobId = RequeueJobId(id, marker.Requeues + 1) };
                await queue.EnqueueAsync(QueueNames.Inbound, job, null, cancellationToken).ConfigureAwait(false);
                // Write the new marker before removing the old one: a crash in between leaves both (a later sweep
                // requeues once more, harmlessly), never neither. Where both share a key the write replaced the old
                // marker already and the removal finds nothing to do.
                await outbox.RecordAsync(new IntakeMarker(job, now, marker.Requeues + 1), cancellationToken).ConfigureAwait(false);
                await outbox.RemoveAsync(marker, cancellationToken).ConfigureAwait(false);
                LogRequeued(id, marker.RecordedAt, marker.Requeues + 1);
                requeued++;
            }
        }
        return new SweepResult(markers.Count, routed, requeued, dropped);
    }

    /// <summary>The JobId of the <paramref name="requeue"/>-th requeue of a message (1-based): never its original JobId.</summary>
    public static string RequeueJobId(string messageId, int requeue) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{messageId}:requeue:{requeue}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck intake {MessageId} requeued (marker from {RecordedAt}, requeue {Requeues})")]
    private partial void LogRequeued(string messageId, DateTimeOffset recordedAt, int requeues);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck intake {MessageId} dropped: its blob no longer exists")]
    private partial void LogBlobMissing(string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stuck intake {MessageId} still unrouted after {Requeues} requeues; marker removed, look at the dead-letter queue")]
    private partial void LogGaveUp(string messageId, int requeues);
}

/// <summary>Bounds of one sweep.</summary>
/// <param name="StaleAfter">How old a marker must be before its message counts as stuck.</param>
/// <param name="MaxMarkers">Most markers examined per sweep.</param>
/// <param name="MaxRequeues">Requeues of one message before the sweeper gives up on it.</param>
public sealed record SweepLimits(TimeSpan StaleAfter, int MaxMarkers, int MaxRequeues);

/// <summary>What one sweep did.</summary>
public sealed record SweepResult(int Examined, int Routed, int Requeued, int Dropped);
