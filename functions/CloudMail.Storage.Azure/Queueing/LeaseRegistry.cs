using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace CloudMail.Storage.Azure.Queueing;

/// <summary>
/// The peek-locked messages this process has handed out and not yet settled, keyed by queue and lock token,
/// so that settlement (which needs the <see cref="ServiceBusReceivedMessage"/>) can be done from a
/// <see cref="Core.Queue.LeasedJob"/>'s token. Bounded: callers reserve room before receiving; entries whose lock has
/// expired are dropped (their settlement would fail with MessageLockLost anyway).
/// </summary>
internal sealed class LeaseRegistry(int capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Queue, string Token), ServiceBusReceivedMessage> _leases = new();
    private readonly Lock _gate = new();
    private int _reserved;

    public int Count => _leases.Count;

    /// <summary>Reserves room for up to <paramref name="wanted"/> messages; returns how many may be received (maybe 0).</summary>
    public int Reserve(int wanted)
    {
        DropExpired();
        lock (_gate)
        {
            int room = Math.Max(0, capacity - _leases.Count - _reserved);
            int granted = Math.Min(wanted, room);
            _reserved += granted;
            return granted;
        }
    }

    /// <summary>Ends a reservation of <paramref name="reserved"/>, adding the <paramref name="received"/> messages.</summary>
    public void Complete(int reserved, string queue, IEnumerable<ServiceBusReceivedMessage> received)
    {
        lock (_gate)
        {
            foreach (ServiceBusReceivedMessage message in received) _leases[(queue, message.LockToken)] = message;
            _reserved -= reserved;
        }
    }

    public bool TryGet(string queue, string token, out ServiceBusReceivedMessage message) =>
        _leases.TryGetValue((queue, token), out message!);

    public void Remove(string queue, string token) => _leases.TryRemove((queue, token), out _);

    private void DropExpired()
    {
        DateTimeOffset now = time.GetUtcNow();
        foreach (KeyValuePair<(string Queue, string Token), ServiceBusReceivedMessage> lease in _leases)
        {
            if (lease.Value.LockedUntil < now) _leases.TryRemove(lease.Key, out _);
        }
    }
}
