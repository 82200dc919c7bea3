namespace CloudMail.Core.Pipeline;

/// <summary>
/// In-process wake-up for the embedded queue worker: the accept path pulses it after enqueueing so the
/// worker does not wait for its next poll. Losing a pulse only costs latency, never a message.
/// </summary>
public sealed class PipelineSignal
{
    private readonly SemaphoreSlim _pulse = new(0, 1);

    /// <summary>Wakes one waiter (or the next one to wait). Cheap and non-blocking.</summary>
    public void Pulse()
    {
        if (_pulse.CurrentCount == 0)
        {
            try { _pulse.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Waits for a pulse or until <paramref name="timeout"/>; returns true when pulsed.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pulse.WaitAsync(timeout, cancellationToken);
}
