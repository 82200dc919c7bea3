using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// <see cref="ISettlementActions"/> over one lease of the embedded queue (<see cref="ILeasedMailQueue"/>). A lease lost
/// meanwhile (expired and taken by another worker) makes the settlement a no-op: the other worker settles the job. A
/// dead letter's reason is stored as <c>{reason}: {description}</c>, the queue having one reason column.
/// </summary>
public sealed class LeasedSettlementActions(ILeasedMailQueue queue, string queueName, LeasedJob job) : ISettlementActions
{
    public Task CompleteAsync(CancellationToken cancellationToken) => queue.CompleteAsync(queueName, job, cancellationToken);

    public Task RetryAsync(TimeSpan delay, string reason, CancellationToken cancellationToken) =>
        queue.RetryAsync(queueName, job, delay, reason, cancellationToken);

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken) =>
        queue.DeadLetterAsync(queueName, job, reason + ": " + description, cancellationToken);
}
