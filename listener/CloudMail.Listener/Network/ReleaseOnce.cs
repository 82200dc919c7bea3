namespace CloudMail.Listener.Network;

/// <summary>A held slot: the first <see cref="Dispose"/> runs the release, later ones do nothing. Thread-safe.</summary>
internal sealed class ReleaseOnce(Action release) : IDisposable
{
    private Action? _release = release;

    /// <summary>A slot with nothing to release (an exempt client).</summary>
    public static readonly IDisposable None = new ReleaseOnce(() => { });

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
