using CloudMail.Core.Queue;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// Durable markers for accepted messages that the inbound stage has not routed yet, so that a job lost between
/// acceptance and routing is found and enqueued again by <see cref="StuckIntakeSweeper"/>. The accept path writes a
/// marker before it enqueues the inbound job (<see cref="IntakeRecordingQueue"/> does it for every host, with no change
/// to <see cref="MessageIntake"/> or the send API); the sweeper removes it once the delivery log shows the message was
/// routed. A marker carries the whole job (claim-check and envelope, never the body), because the envelope exists
/// nowhere else until the inbound stage has run.
/// </summary>
/// <remarks>
/// Designed for the weaker backend: point writes keyed by message id and one range query by age. Azure Table: partition
/// key = the hour the marker was recorded (<c>yyyyMMddHH</c>), row key = message id, so the sweep reads a few old
/// partitions and never scans the whole table. Embedded: a SQLite table indexed by time.
/// </remarks>
public interface IIntakeLedger
{
    /// <summary>Inserts or replaces the marker of <c>marker.Job.MessageId</c>. Durable when it returns.</summary>
    Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken);

    /// <summary>Markers recorded before <paramref name="cutoff"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<IntakeMarker>> ListRecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken);

    /// <summary>Removes the marker of <paramref name="messageId"/>; no error when there is none.</summary>
    Task RemoveAsync(string messageId, CancellationToken cancellationToken);
}

/// <summary>One accepted message waiting to be routed.</summary>
/// <param name="Job">The inbound job as enqueued (JobId = MessageId).</param>
/// <param name="RecordedAt">When the marker was written, or when the sweeper last enqueued the job again.</param>
/// <param name="Requeues">How many times the sweeper has enqueued the job again.</param>
public sealed record IntakeMarker(MailJob Job, DateTimeOffset RecordedAt, int Requeues);
