using System.Collections.Concurrent;

namespace CloudMail.Core.Caching;

/// <summary>
/// Values remembered per key for <see cref="Duration"/>, bounded for keys that clients choose (a recipient, a sender):
/// after every <see cref="SweepEvery"/> additions the expired entries are dropped, and all of them when that many are
/// still there, so fewer than twice <see cref="SweepEvery"/> are ever held. The dictionary is counted (which takes all its
/// locks) once per sweep, never per lookup. Keys compare ordinally. Thread-safe.
/// </summary>
public sealed class TimedCache<T>(TimeProvider time, TimeSpan duration, int sweepEvery = TimedCache.DefaultSweepEvery)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, T Value)> _entries = new(StringComparer.Ordinal);
    private int _addedSinceSweep;

    /// <summary>How long a value is reused before it must be read again; zero remembers nothing.</summary>
    public TimeSpan Duration { get; } = duration;

    /// <summary>How many additions there are between two sweeps.</summary>
    public int SweepEvery { get; } = sweepEvery;

    /// <summary>Entries held now, expired ones included until the next sweep (for diagnostics and tests).</summary>
    public int Count => _entries.Count;

    /// <summary>The value remembered for <paramref name="key"/> while it is fresh.</summary>
    public bool TryGet(string key, out T value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Until > time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Remembers <paramref name="value"/> for <paramref name="key"/> from now for <see cref="Duration"/> (nothing when it is zero).</summary>
    public void Put(string key, T value)
    {
        if (Duration <= TimeSpan.Zero) return;
        DateTimeOffset now = time.GetUtcNow();
        var entry = (now + Duration, value);
        if (!_entries.TryAdd(key, entry)) _entries[key] = entry; // an expired entry renewed
        else if (Interlocked.Increment(ref _addedSinceSweep) >= SweepEvery) Sweep(now);
    }

    /// <summary>Forgets <paramref name="key"/> (after a change, so that the next lookup reads it again).</summary>
    public void Forget(string key) => _entries.TryRemove(key, out _);

    private void Sweep(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _addedSinceSweep, 0);
        foreach (var (key, entry) in _entries)
        {
            if (entry.Until <= now) _entries.TryRemove(key, out _);
        }
        if (_entries.Count >= SweepEvery) _entries.Clear();
    }
}

/// <summary>Defaults of <see cref="TimedCache{T}"/>.</summary>
public static class TimedCache
{
    /// <summary>Additions between two sweeps unless a cache says otherwise: bounds a cache near 20,000 entries.</summary>
    public const int DefaultSweepEvery = 10_000;
}
