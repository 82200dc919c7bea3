namespace CloudMail.Listener.Imap.Session;

/// <summary>A resettable "something changed" signal that IDLE can await next to socket input.</summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes the current waiter (callable from any thread).</summary>
    public void Set() => Volatile.Read(ref _source).TrySetResult();

    /// <summary>Completes at the next <see cref="Set"/> after the last <see cref="Reset"/>.</summary>
    public Task WaitAsync() => Volatile.Read(ref _source).Task;

    /// <summary>Re-arms the signal if it has fired.</summary>
    public void Reset()
    {
        var current = Volatile.Read(ref _source);
        if (current.Task.IsCompleted)
            Interlocked.CompareExchange(ref _source, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
    }
}
