using CloudMail.Core.Queue;

namespace CloudMail.Core.Intake;

/// <summary>
/// The transactional-outbox half of intake: a durable marker for every accepted message the inbound stage has not
/// routed yet. The accept path records a marker before it enqueues the inbound job (<see cref="IntakeRecordingQueue"/>);
/// the inbound stage removes it once the message is routed (<see cref="IntakeMarkerRemoval"/>, best effort); the
/// <see cref="StuckIntakeSweeper"/> requeues what stays too long and removes what the delivery log shows routed. A marker
/// carries the whole job (claim-check and envelope, never the body).
/// </summary>
/// <remarks>
/// Point writes and one range query by age, no lookup by message id (Azure Table: partition = UTC hour of
/// <see cref="IntakeMarker.RecordedAt"/>, row = message id; embedded: SQLite keyed by message id, indexed by time). So
/// recording a message again may replace the earlier marker or sit beside it, and a marker is removed by the marker, not
/// by message id. Everything done with markers is idempotent per message id.
/// </remarks>
public interface IIntakeOutbox
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
