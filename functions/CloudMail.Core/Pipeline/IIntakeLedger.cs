using CloudMail.Core.Queue;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// Durable markers for accepted messages that the inbound stage has not routed yet, so that a job lost between
/// acceptance and routing is found and enqueued again by <see cref="StuckIntakeSweeper"/>. The accept path writes a
/// marker before it enqueues the inbound job (<see cref="IntakeRecordingQueue"/> does it for every host, with no change
/// to <see cref="MessageIntake"/> or the send API), recorded at the envelope's acceptance time
/// (<see cref="IntakeRecordingQueue.MarkerOf"/>). The inbound stage (<see cref="IntakeMarkerRemoval"/>) removes it as soon as it
/// has routed the message (<see cref="StageOutcome.Completed"/>), rebuilding the marker from the job alone; that
/// removal is best effort, and the sweeper removes whatever is left (a failed removal, a marker the sweeper rewrote when
/// it requeued the job) once the delivery log shows the message was routed. So the ledger holds about the messages
/// accepted and not yet routed, not every message of the last sweep interval. A marker carries the whole job
/// (claim-check and envelope, never the body), because the envelope exists nowhere else until the inbound stage has run.
/// </summary>
/// <remarks>
/// Designed for the weaker backend: point writes and one range query by age, no index by message id. Azure Table:
/// partition key = the UTC hour the marker was recorded (<c>yyyyMMddHH</c>), row key = message id, so the sweep reads
/// a few old partitions and never scans the whole table; that is why a marker is removed by the marker (its
/// <see cref="IntakeMarker.RecordedAt"/> names the partition), not by message id alone. Embedded: a SQLite table keyed
/// by message id and indexed by time. Recording the same message again may therefore replace the earlier marker
/// (embedded, or Azure within the same hour) or leave both (Azure, different hours); either is safe, because the
/// sweeper handles each marker on its own and everything it does is idempotent per message id. A removal after routing
/// names only the marker written at acceptance, so one written later for the same message (a requeue, an accept
/// retried with the same idempotency key) is not matched and stays for the sweep, which finds the message routed.
/// </remarks>
public interface IIntakeLedger
{
    /// <summary>
    /// Stores <paramref name="marker"/>. Durable when it returns. An earlier marker of the same message is replaced or,
    /// where the backend keys markers by time, kept beside it (see remarks).
    /// </summary>
    Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken);

    /// <summary>
    /// Markers with <see cref="IntakeMarker.RecordedAt"/> before <paramref name="cutoff"/> (strictly), at most
    /// <paramref name="max"/> (at least 1), with <see cref="IntakeMarker.RecordedAt"/> in UTC. When more qualify, the
    /// oldest hours come first: no marker left out was recorded in an earlier UTC hour than one returned (within
    /// an hour the choice is the backend's). The list itself is sorted by <see cref="IntakeMarker.RecordedAt"/>.
    /// </summary>
    Task<IReadOnlyList<IntakeMarker>> ListRecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Removes <paramref name="marker"/> as it was recorded or listed (same message id and
    /// <see cref="IntakeMarker.RecordedAt"/>). A marker of the same message recorded later stays. No error when the
    /// marker is gone already.
    /// </summary>
    Task RemoveAsync(IntakeMarker marker, CancellationToken cancellationToken);
}

/// <summary>One accepted message waiting to be routed.</summary>
/// <param name="Job">The inbound job as enqueued (JobId = MessageId).</param>
/// <param name="RecordedAt">
/// When the message was accepted (<c>Job.Envelope.ReceivedAt</c>, just before the marker was written), or when the
/// sweeper last enqueued the job again.
/// </param>
/// <param name="Requeues">How many times the sweeper has enqueued the job again.</param>
public sealed record IntakeMarker(MailJob Job, DateTimeOffset RecordedAt, int Requeues);
