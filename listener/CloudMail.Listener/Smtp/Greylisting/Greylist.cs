using System.Collections.Concurrent;
using System.Net;
using CloudMail.Listener.Network;

namespace CloudMail.Listener.Smtp.Greylisting;

/// <summary>What <see cref="Greylist.Check"/> decided for one recipient.</summary>
/// <param name="Pass">True: go on with the recipient. False: answer 451 4.7.1 and let the client retry.</param>
/// <param name="RetryAfter">For a refusal, how long the client should wait.</param>
public readonly record struct GreylistVerdict(bool Pass, TimeSpan RetryAfter);

/// <summary>
/// The greylist (the technique of Harris, "The Next Step in the Spam Control War: Greylisting", 2003, as postgrey does
/// it): triplets of client network (IPv4 /24, IPv6 /64: big senders retry from another address of the same pool),
/// lower-cased envelope sender and recipient. A new triplet is refused for <see cref="GreylistOptions.Delay"/>; a retry
/// after it and within <see cref="GreylistOptions.RetryWindow"/> passes and the triplet then passes for
/// <see cref="GreylistOptions.PassedLifetime"/> after its last use; a client network with
/// <see cref="GreylistOptions.AutoAllowClientAfter"/> passed triplets passes entirely. In memory, per process: a restart,
/// or another replica in Azure mode, greylists a sender again (one more delay, never a loss: the client retries).
/// </summary>
public sealed class Greylist(GreylistOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _triplets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _passedPerClient = new(StringComparer.Ordinal);

    public bool Enabled => options.Enabled;

    public GreylistVerdict Check(IPAddress client, string sender, string recipient)
    {
        DateTimeOffset now = time.GetUtcNow();
        string network = NetworkOf(client);
        if (options.AutoAllowClientAfter > 0 && _passedPerClient.TryGetValue(network, out int passed) && passed >= options.AutoAllowClientAfter)
            return new GreylistVerdict(true, TimeSpan.Zero);
        string key = network + "\n" + sender.ToLowerInvariant() + "\n" + recipient.ToLowerInvariant();
        if (_triplets.Count >= options.MaxEntries && !_triplets.ContainsKey(key)) Forget(now);
        var entry = _triplets.GetOrAdd(key, _ => new Entry(now));
        lock (entry)
        {
            if (entry.PassedAt is { } last)
            {
                if (now - last <= options.PassedLifetime)
                {
                    entry.PassedAt = now;
                    return new GreylistVerdict(true, TimeSpan.Zero);
                }
                entry.Restart(now); // unused for too long: it is new again
            }
            else if (now - entry.FirstSeen > options.RetryWindow)
            {
                entry.Restart(now); // the retry came too late: start over
            }
            TimeSpan waited = now - entry.FirstSeen;
            if (waited < options.Delay) return new GreylistVerdict(false, options.Delay - waited);
            entry.PassedAt = now;
        }
        _passedPerClient.AddOrUpdate(network, 1, (_, n) => n + 1);
        return new GreylistVerdict(true, TimeSpan.Zero);
    }

    /// <summary>Drops expired entries; when that is not enough, the oldest half.</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, entry) in _triplets)
        {
            bool expired = entry.PassedAt is { } passed ? now - passed > options.PassedLifetime : now - entry.FirstSeen > options.RetryWindow;
            if (expired) _triplets.TryRemove(key, out _);
        }
        if (_triplets.Count < options.MaxEntries) return;
        foreach (var (key, _) in _triplets.OrderBy(t => t.Value.PassedAt ?? t.Value.FirstSeen).Take(_triplets.Count / 2).ToList())
            _triplets.TryRemove(key, out _);
        if (_passedPerClient.Count >= options.MaxEntries) _passedPerClient.Clear();
    }

    /// <summary>IPv4 /24 and IPv6 /64, as postgrey's --lookup-by-subnet.</summary>
    private static string NetworkOf(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        if (client.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return ClientAddressPrefix.Of(client, 64);
        byte[] b = client.GetAddressBytes();
        return $"{b[0]}.{b[1]}.{b[2]}.0/24";
    }

    private sealed class Entry(DateTimeOffset firstSeen)
    {
        public DateTimeOffset FirstSeen { get; private set; } = firstSeen;

        public DateTimeOffset? PassedAt { get; set; }

        public void Restart(DateTimeOffset now)
        {
            FirstSeen = now;
            PassedAt = null;
        }
    }
}
