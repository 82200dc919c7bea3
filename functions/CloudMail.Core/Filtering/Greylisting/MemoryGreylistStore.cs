using System.Collections.Concurrent;

namespace CloudMail.Core.Filtering.Greylisting;

/// <summary>
/// <see cref="IGreylistStore"/> in this process's memory (embedded mode): at most <c>maxEntries</c> triplets and as many
/// client networks. When a new record would pass the bound, the older half of its kind goes (expired records are removed
/// by <see cref="ForgetExpiredAsync"/>, which the listener's sweep calls on an interval).
/// </summary>
public sealed class MemoryGreylistStore(int maxEntries) : IGreylistStore
{
    private readonly ConcurrentDictionary<string, GreylistTriplet> _triplets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GreylistClient> _clients = new(StringComparer.Ordinal);

    /// <summary>Triplets held now.</summary>
    public int Count => _triplets.Count;

    public ValueTask<GreylistTriplet?> GetTripletAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_triplets.TryGetValue(key, out var triplet) ? triplet : null);

    public ValueTask SaveTripletAsync(string key, GreylistTriplet triplet, CancellationToken cancellationToken)
    {
        if (_triplets.Count >= maxEntries && !_triplets.ContainsKey(key))
            Shrink(_triplets, t => t.PassedAt ?? t.FirstSeen);
        _triplets[key] = triplet;
        return ValueTask.CompletedTask;
    }

    public ValueTask<GreylistClient?> GetClientAsync(string network, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_clients.TryGetValue(network, out var client) ? client : null);

    public ValueTask SaveClientAsync(string network, GreylistClient client, CancellationToken cancellationToken)
    {
        if (_clients.Count >= maxEntries && !_clients.ContainsKey(network)) Shrink(_clients, c => c.LastPassed);
        _clients[network] = client;
        return ValueTask.CompletedTask;
    }

    public Task<int> ForgetExpiredAsync(DateTimeOffset unpassedBefore, DateTimeOffset passedBefore, CancellationToken cancellationToken)
    {
        int removed = 0;
        foreach (var (key, t) in _triplets)
            if ((t.PassedAt is { } passed ? passed < passedBefore : t.FirstSeen < unpassedBefore) && _triplets.TryRemove(key, out _)) removed++;
        foreach (var (key, c) in _clients)
            if (c.LastPassed < passedBefore && _clients.TryRemove(key, out _)) removed++;
        return Task.FromResult(removed);
    }

    /// <summary>Drops the older half of <paramref name="records"/> by <paramref name="lastUsed"/>.</summary>
    private static void Shrink<T>(ConcurrentDictionary<string, T> records, Func<T, DateTimeOffset> lastUsed)
    {
        foreach (var (key, _) in records.OrderBy(r => lastUsed(r.Value)).Take(Math.Max(1, records.Count / 2)).ToList())
            records.TryRemove(key, out _);
    }
}
