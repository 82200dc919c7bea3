using System.Collections.Concurrent;

namespace CloudMail.Delivery;

/// <summary>
/// Hosts (an MX address, or a smart host by name) that refused or timed out a TCP connection recently, as Postfix marks a
/// destination dead: while one is
/// held (<see cref="Core.Delivery.DeliveryOptions.UnreachableHostHoldTime"/>) deliveries pass it over at once instead of
/// each waiting for its own connection timeout, so a black-holed destination with many queued messages cannot tie up
/// every outbound worker. A successful connection clears the host; after the hold the next delivery tries again.
/// Per process; bounded to <see cref="MaxEntries"/> hosts (older entries are dropped first when full).
/// </summary>
/// <param name="clock">Time source.</param>
internal sealed class UnreachableHosts(TimeProvider clock)
{
    /// <summary>Hosts remembered at most.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(string Host, int Port), (DateTimeOffset At, string Reply)> _failed = new();

    /// <summary>
    /// Records that no connection to <paramref name="host"/> (an address, or a name for a smart host) on
    /// <paramref name="port"/> could be made; <paramref name="reply"/> says why.
    /// </summary>
    public void Failed(string host, int port, string reply)
    {
        if (_failed.Count >= MaxEntries) Prune();
        _failed[(host, port)] = (clock.GetUtcNow(), reply);
    }

    /// <summary>A connection to <paramref name="host"/>:<paramref name="port"/> was made: it is no longer held.</summary>
    public void Reached(string host, int port)
    {
        if (!_failed.IsEmpty) _failed.TryRemove((host, port), out _);
    }

    /// <summary>When the host failed within <paramref name="hold"/> of now: how long ago and why; else null.</summary>
    public (TimeSpan Ago, string Reply)? Held(string host, int port, TimeSpan hold)
    {
        if (_failed.IsEmpty || !_failed.TryGetValue((host, port), out var entry)) return null;
        TimeSpan ago = clock.GetUtcNow() - entry.At;
        return ago < hold ? (ago, entry.Reply) : null;
    }

    private void Prune()
    {
        foreach (var old in _failed.OrderBy(e => e.Value.At).Take(MaxEntries / 10).ToList()) _failed.TryRemove(old.Key, out _);
    }
}
