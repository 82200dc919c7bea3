namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Wakes a background loop early: any number of <see cref="Wake"/> calls while it works leave one wake-up pending, so the
/// loop runs once more and then waits again.
/// </summary>
internal sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Callable from any thread, at any rate.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount > 0) return;
        try { _wake.Release(); } catch (SemaphoreFullException) { }
    }

    /// <summary>Completes at the next wake-up (or a pending one), true; or after <paramref name="timeout"/>, false.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wake.Dispose();
}
