using System.Collections.Concurrent;

namespace CloudMail.Delivery;

/// <summary>
/// One <see cref="SemaphoreSlim"/> per destination host, bounding the connections open to it at once. Bounded itself:
/// once it tracks <see cref="MaxKept"/> hosts, a new host first drops the gates nobody holds, so a server that delivers
/// to ever more hosts over months does not keep a gate for each forever. A gate dropped the moment a delivery took it
/// (before that delivery waited on it) lets that host get one gate's worth of connections more, once; never fewer.
/// </summary>
public sealed class DestinationGates(int maxKept = DestinationGates.DefaultMaxKept)
{
    /// <summary>Hosts tracked before idle gates are dropped.</summary>
    public const int DefaultMaxKept = 10_000;

    private readonly ConcurrentDictionary<string, (SemaphoreSlim Gate, int Size)> _gates = new(StringComparer.OrdinalIgnoreCase);

    public int MaxKept { get; } = maxKept > 0 ? maxKept : throw new ArgumentOutOfRangeException(nameof(maxKept));

    /// <summary>Hosts with a gate now.</summary>
    public int Count => _gates.Count;

    /// <summary>The gate of <paramref name="host"/>, made with <paramref name="size"/> slots when it has none.</summary>
    public SemaphoreSlim For(string host, int size)
    {
        if (_gates.TryGetValue(host, out var existing)) return existing.Gate;
        if (_gates.Count >= MaxKept) DropIdle();
        return _gates.GetOrAdd(host, _ => (new SemaphoreSlim(size), size)).Gate;
    }

    /// <summary>Removes every gate whose slots are all free (not disposed: a caller may still hold a reference).</summary>
    private void DropIdle()
    {
        foreach (var entry in _gates)
        {
            if (entry.Value.Gate.CurrentCount == entry.Value.Size) _gates.TryRemove(entry);
        }
    }
}
