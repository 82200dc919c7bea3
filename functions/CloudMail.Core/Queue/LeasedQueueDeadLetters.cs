namespace CloudMail.Core.Queue;

/// <summary>
/// <see cref="IDeadLetterQueue"/> over a queue that keeps its own dead letters (<see cref="ILeasedMailQueue"/>, the embedded
/// SQLite queue). The queue stores one reason column, written <c>{reason}: {description}</c> by the embedded host's
/// settlement; it is split back at the first <c>": "</c>. The id is the job id; a replay moves the job back to its queue
/// (<see cref="ILeasedMailQueue.RetryNowAsync"/>): visible now, delivery count reset.
/// </summary>
public sealed class LeasedQueueDeadLetters(ILeasedMailQueue queue) : IDeadLetterQueue
{
    public async Task<IReadOnlyList<DeadLetter>> PeekAsync(string queueName, int max, CancellationToken cancellationToken)
    {
        var jobs = await queue.ListDeadLettersAsync(queueName, max, cancellationToken).ConfigureAwait(false);
        return [.. jobs.Select(j =>
        {
            int split = j.Reason.IndexOf(": ", StringComparison.Ordinal);
            (string reason, string? description) = split < 0 ? (j.Reason, null) : (j.Reason[..split], j.Reason[(split + 2)..]);
            return new DeadLetter(queueName, j.Job.JobId, j.Job.MessageId, reason, description, j.EnqueuedAt, j.DeliveryCount, j.Job.EffectiveRecipients);
        })];
    }

    public async Task<bool> ReplayAsync(string queueName, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        QueuedJob? job = await queue.FindAsync(queueName, id, cancellationToken).ConfigureAwait(false);
        return job is { State: QueuedJobState.DeadLettered } && await queue.RetryNowAsync(queueName, id, cancellationToken).ConfigureAwait(false);
    }
}
