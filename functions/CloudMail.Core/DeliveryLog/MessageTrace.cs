using CloudMail.Core.Queue;

namespace CloudMail.Core.DeliveryLog;

/// <summary>
/// What is known of one message: its delivery-log record per recipient (status, attempts so far, last reply, when), every
/// recorded attempt per recipient (<see cref="DeliveryAttempt"/>: stage, host tried, reply, next try; the newest
/// <see cref="DeliveryAttempt.MaxPerRecipient"/> per recipient) and,
/// when the host administers its own queues (<see cref="QueueAdministration"/>; embedded mode), the jobs of the message still
/// waiting, being delivered or dead-lettered in the inbound or outbound queue.
/// </summary>
public sealed record MessageTrace(string MessageId, IReadOnlyList<DeliveryRecord> Recipients, IReadOnlyList<QueuedJob>? Jobs,
    IReadOnlyList<DeliveryAttempt> Attempts)
{
    /// <summary>True when neither the log nor a queue knows the message.</summary>
    public bool IsUnknown => Recipients.Count == 0 && (Jobs is null || Jobs.Count == 0);

    /// <summary>
    /// Traces <paramref name="messageId"/>; <paramref name="queues"/> is null where the queues are not administered here
    /// (Azure: Service Bus), and <see cref="Jobs"/> is then null.
    /// </summary>
    public static async Task<MessageTrace> ReadAsync(string messageId, IDeliveryLog deliveryLog, QueueAdministration? queues, CancellationToken cancellationToken)
    {
        var records = await deliveryLog.GetAsync(messageId, cancellationToken).ConfigureAwait(false);
        var attempts = await deliveryLog.GetAttemptsAsync(messageId, cancellationToken).ConfigureAwait(false);
        var jobs = queues is null ? null : await queues.JobsOfMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
        return new MessageTrace(messageId, records, jobs, attempts);
    }
}
