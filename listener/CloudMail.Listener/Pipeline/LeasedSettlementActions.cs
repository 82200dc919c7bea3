using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// <see cref="ISettlementActions"/> over one lease of the embedded queue (<see cref="ILeasedMailQueue"/>). A lease lost
/// meanwhile (expired and taken by another worker) makes the settlement a no-op: the other worker settles the job. A
/// dead letter's reason is stored as <c>{reason}: {description}</c>, the queue having one reason column. The lease's
/// renewal, when there is one, is stopped before any settlement.
/// </summary>
public sealed class LeasedSettlementActions(ILeasedMailQueue queue, string queueName, LeasedJob job, Func<Task>? stopRenewal = null) : ISettlementActions
{
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await StopRenewalAsync().ConfigureAwait(false);
        await queue.CompleteAsync(queueName, job, cancellationToken).ConfigureAwait(false);
    }

    public async Task RetryAsync(TimeSpan delay, string reason, CancellationToken cancellationToken)
    {
        await StopRenewalAsync().ConfigureAwait(false);
        await queue.RetryAsync(queueName, job, delay, reason, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken)
    {
        await StopRenewalAsync().ConfigureAwait(false);
        await queue.DeadLetterAsync(queueName, job, reason + ": " + description, cancellationToken).ConfigureAwait(false);
    }

    private Task StopRenewalAsync() => stopRenewal?.Invoke() ?? Task.CompletedTask;
}
