namespace CloudMail.Storage.Azure.Tables;

/// <summary>
/// In-process serialization of writers to the same key (an account's partition), by lock striping. ETags
/// keep writers in different processes correct; this only keeps writers in the same process from racing
/// each other into 412 retries. Never hold two stripes at once.
/// </summary>
internal sealed class KeyedGate
{
    private readonly SemaphoreSlim[] _stripes;

    public KeyedGate(int stripes = 64)
    {
        _stripes = new SemaphoreSlim[stripes];
        for (int i = 0; i < stripes; i++) _stripes[i] = new SemaphoreSlim(1, 1);
    }

    /// <summary>Waits for the stripe of <paramref name="key"/>; dispose the result to release it.</summary>
    public async Task<IDisposable> EnterAsync(string key, CancellationToken cancellationToken)
    {
        SemaphoreSlim stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_stripes.Length)];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(stripe);
    }

    private sealed class Releaser(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) stripe.Release();
        }
    }
}
