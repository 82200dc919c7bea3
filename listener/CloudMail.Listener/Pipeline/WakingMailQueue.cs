using CloudMail.Core.Queue;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// The embedded host's <see cref="IMailQueue"/>: enqueues on the durable queue, then, for a job visible now, wakes the
/// worker of that queue (<see cref="QueueWakeups"/>). A job for later (a scheduled retry) wakes nobody; the worker's
/// poll finds it when it is due.
/// </summary>
public sealed class WakingMailQueue(ILeasedMailQueue inner, QueueWakeups wakeups, TimeProvider time) : IMailQueue
{
    public async Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        await inner.EnqueueAsync(queue, job, notBefore, cancellationToken).ConfigureAwait(false);
        if (notBefore is not { } at || at <= time.GetUtcNow()) wakeups.For(queue).Pulse();
    }
}
