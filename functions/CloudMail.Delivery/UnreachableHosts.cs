using System.Collections.Concurrent;
using System.Net;

namespace CloudMail.Delivery;

/// <summary>
/// MX addresses that refused or timed out a TCP connection recently, as Postfix marks a destination dead: while one is
/// held (<see cref="Core.Delivery.DeliveryOptions.UnreachableHostHoldTime"/>) deliveries pass it over at once instead of
/// each waiting for its own connection timeout, so a black-holed destination with many queued messages cannot tie up
/// every outbound worker. A successful connection clears the address; after the hold the next delivery tries again.
/// Per process; bounded to <see cref="MaxEntries"/> addresses (older entries are dropped first when full).
/// </summary>
/// <param name="clock">Time source.</param>
public sealed class UnreachableHosts(TimeProvider clock)
{
    /// <summary>Addresses remembered at most.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(IPAddress Address, int Port), (DateTimeOffset At, string Reply)> _failed = new();

    /// <summary>Records that no connection to <paramref name="address"/>:<paramref name="port"/> could be made (<paramref name="reply"/> says why).</summary>
    public void Failed(IPAddress address, int port, string reply)
    {
        if (_failed.Count >= MaxEntries) Prune();
        _failed[(address, port)] = (clock.GetUtcNow(), reply);
    }

    /// <summary>A connection to <paramref name="address"/>:<paramref name="port"/> was made: it is no longer held.</summary>
    public void Reached(IPAddress address, int port)
    {
        if (!_failed.IsEmpty) _failed.TryRemove((address, port), out _);
    }

    /// <summary>When the address failed within <paramref name="hold"/> of now: how long ago and why; else null.</summary>
    public (TimeSpan Ago, string Reply)? Held(IPAddress address, int port, TimeSpan hold)
    {
        if (_failed.IsEmpty || !_failed.TryGetValue((address, port), out var entry)) return null;
        TimeSpan ago = clock.GetUtcNow() - entry.At;
        return ago < hold ? (ago, entry.Reply) : null;
    }

    private void Prune()
    {
        foreach (var old in _failed.OrderBy(e => e.Value.At).Take(MaxEntries / 10).ToList()) _failed.TryRemove(old.Key, out _);
    }
}
