namespace CloudMail.Listener.Network;

/// <summary>
/// The places of one endpoint (<see cref="Configuration.CloudMailOptions.MaxConnectionsPerEndpoint"/>), held by its open
/// sessions, and who holds them. When the endpoint is full, a newcomer still gets in if some client holds at least two
/// places more than the newcomer's client does: the oldest session of the client holding the most is ended (its
/// <see cref="Seat.Evicted"/> token fires) and its place handed over. So a few addresses that each stay under their own
/// limit (<see cref="ClientLimitOptions.MaxConnectionsPerAddress"/>) cannot fill the endpoint and keep every other
/// client out, as Dovecot's login processes drop their oldest unauthenticated client when they are full. Clients
/// exempt from the address limits (<see cref="ClientLimitOptions.ExemptAddresses"/>) take places but are never
/// ended for a newcomer. In-process, thread-safe.
/// </summary>
public sealed class EndpointSeats(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedList<Seat>> _byClient = new(StringComparer.Ordinal);
    private int _taken;

    /// <summary>Places held now.</summary>
    public int Taken
    {
        get { lock (_gate) return _taken; }
    }

    /// <summary>
    /// A place for a session of <paramref name="client"/> (the counted address, <see cref="ClientAddressPrefix"/>; null for
    /// an exempt client), or null when the endpoint is full and nobody holds two places more than this client.
    /// Dispose the seat when the session ends.
    /// </summary>
    public Seat? TryTake(string? client)
    {
        Seat? victim = null;
        Seat seat;
        lock (_gate)
        {
            if (_taken >= capacity)
            {
                victim = OldestOfTheMostAbove(client);
                if (victim is null) return null;
                Forget(victim);
                victim.IsEvicted = true; // its place goes to the newcomer: _taken stays
            }
            else _taken++;
            seat = new Seat(this, client);
            if (client is not null)
            {
                if (!_byClient.TryGetValue(client, out var seats)) _byClient[client] = seats = new LinkedList<Seat>();
                seat.Node = seats.AddLast(seat);
            }
        }
        victim?.Evict(); // outside the lock: cancellation runs the session's callbacks
        return seat;
    }

    /// <summary>The oldest seat of the client holding the most places, if it holds two more than <paramref name="client"/>.</summary>
    private Seat? OldestOfTheMostAbove(string? client)
    {
        int mine = client is not null && _byClient.TryGetValue(client, out var own) ? own.Count : 0;
        LinkedList<Seat>? most = null;
        foreach (var seats in _byClient.Values)
            if (seats.Count > (most?.Count ?? 0)) most = seats;
        return most is not null && most.Count >= mine + 2 ? most.First!.Value : null;
    }

    private void Forget(Seat seat)
    {
        if (seat.Node is not { List: { } seats } node) return;
        seats.Remove(node);
        if (seats.Count == 0) _byClient.Remove(seat.Client!);
        seat.Node = null;
    }

    private void Release(Seat seat)
    {
        lock (_gate)
        {
            if (seat.IsEvicted) return; // its place went to the newcomer already
            Forget(seat);
            _taken--;
        }
    }

    /// <summary>One session's place. Dispose once when the session ends (later calls do nothing).</summary>
    public sealed class Seat : IDisposable
    {
        private readonly EndpointSeats _owner;
        private readonly CancellationTokenSource _evicted = new();
        private int _disposed;

        internal Seat(EndpointSeats owner, string? client)
        {
            _owner = owner;
            Client = client;
        }

        internal string? Client { get; }

        internal LinkedListNode<Seat>? Node { get; set; }

        /// <summary>Set under the owner's lock when the place is handed over.</summary>
        internal bool IsEvicted { get; set; }

        /// <summary>Fires when the place is handed to a newcomer: end the session (as at shutdown).</summary>
        public CancellationToken Evicted => _evicted.Token;

        internal void Evict() => _evicted.Cancel();

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _owner.Release(this);
        }
    }
}
