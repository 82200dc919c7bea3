using System.Collections.Concurrent;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// The embedded host's in-process wake-ups, one <see cref="PipelineSignal"/> per queue: a job enqueued for now pulses
/// its queue's worker (<see cref="WakingMailQueue"/>), so a stage starts on it at once instead of at its next poll
/// (<see cref="PipelineOptions.PollInterval"/>). The inbound queue's signal is the shared <see cref="PipelineSignal"/>
/// that the accept path pulses as well.
/// </summary>
public sealed class QueueWakeups(PipelineSignal inbound)
{
    private readonly ConcurrentDictionary<string, PipelineSignal> _signals = new(StringComparer.Ordinal);

    /// <summary>The signal the worker of <paramref name="queue"/> waits on.</summary>
    public PipelineSignal For(string queue) =>
        queue == QueueNames.Inbound ? inbound : _signals.GetOrAdd(queue, _ => new PipelineSignal());
}
