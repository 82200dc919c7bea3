namespace CloudMail.Core.DeliveryLog;

/// <summary>Per message, per recipient: where delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Queued for delivery, no attempt finished yet.</summary>
    Pending,

    /// <summary>Delivered (stored in a local mailbox, or accepted by the remote server).</summary>
    Delivered,

    /// <summary>Last attempt failed transiently; a retry is scheduled.</summary>
    Deferred,

    /// <summary>Failed permanently; a bounce was (or will be) generated.</summary>
    Failed,

    /// <summary>
    /// Found infected after it was accepted and kept in the quarantine, not delivered (no bounce: the sender of a virus is
    /// mostly forged). Releasing it from the quarantine delivers it; deleting it makes it <see cref="Failed"/>.
    /// </summary>
    Quarantined,
}

/// <summary>One recipient's delivery state, and the attempt that produced it.</summary>
/// <param name="LastReply">Last SMTP reply or a short reason; never message content.</param>
/// <param name="Stage">Which stage wrote it (<see cref="DeliveryStages"/>); kept in the attempt history only.</param>
/// <param name="RemoteHost">The host tried (outbound); kept in the attempt history only.</param>
/// <param name="NextAttemptAt">When a deferred recipient is tried again; kept in the attempt history only.</param>
public sealed record DeliveryRecord(
    string MessageId,
    string Recipient,
    DeliveryStatus Status,
    int Attempts,
    string? LastReply,
    DateTimeOffset UpdatedAt,
    string? Stage = null,
    string? RemoteHost = null,
    DateTimeOffset? NextAttemptAt = null);

/// <summary>
/// Delivery log keyed by (message id, recipient), with each recipient's attempt history. Writes of the state are upserts:
/// the last write for a key wins, so replaying a job's writes is harmless; each write also adds one
/// <see cref="DeliveryAttempt"/> keyed by (message id, recipient, time, status), so an identical replay replaces its own
/// entry. The history keeps the newest <see cref="DeliveryAttempt.MaxPerRecipient"/> attempts of each recipient.
/// Embedded: SQLite. Azure: Table (partition = message id).
/// </summary>
public interface IDeliveryLog
{
    /// <summary>
    /// Inserts or replaces the record for (MessageId, Recipient) and adds it to the recipient's attempt history, dropping the
    /// oldest entries beyond <see cref="DeliveryAttempt.MaxPerRecipient"/>.
    /// </summary>
    Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken);

    /// <summary>All recipients' records of one message, sorted by recipient; empty when unknown.</summary>
    Task<IReadOnlyList<DeliveryRecord>> GetAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>
    /// Every recorded attempt of one message, sorted by recipient (ordinal), then oldest first; empty when unknown or when
    /// the message was logged before attempts were kept.
    /// </summary>
    Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes every record and attempt of <paramref name="recipient"/> (compared lower-cased), for erasing a removed account (GDPR
    /// Art. 17). An admin operation: it may scan the whole log. Returns how many state records were deleted.
    /// </summary>
    Task<int> ForgetRecipientAsync(string recipient, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes every record and attempt of each message that is settled for good: every recipient
    /// <see cref="DeliveryStatus.Delivered"/> or <see cref="DeliveryStatus.Failed"/>, and no record written at or after
    /// <paramref name="before"/>. A message with a recipient still pending, deferred or quarantined is kept whatever its
    /// age. Returns how many messages were forgotten. Works in bounded batches (a long log never holds a writer for long),
    /// is safe to run beside writes (a message written meanwhile is newer than the cutoff, or is re-checked in the same
    /// transaction that deletes it) and to interrupt.
    /// </summary>
    Task<int> ForgetSettledBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
