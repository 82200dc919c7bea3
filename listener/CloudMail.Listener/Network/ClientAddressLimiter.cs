using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Network;

/// <summary>What <see cref="ClientAddressLimiter.TryAcquire"/> refused, and whether it is the first such refusal of the key this minute (log it then).</summary>
public readonly record struct ClientAddressRefusal(ConnectionRefusal Reason, string Client, bool FirstThisMinute);

/// <summary>
/// Per-client-address connection limits shared by every endpoint: at most
/// <see cref="ClientLimitOptions.MaxConnectionsPerAddress"/> open connections and
/// <see cref="ClientLimitOptions.MaxConnectionsPerAddressPerMinute"/> attempts per minute for each (protocol, client)
/// pair, where the client is the address cut to its prefix (<see cref="ClientAddressPrefix"/>), as Postfix's anvil
/// counts per (service, client). Addresses in <see cref="ClientLimitOptions.ExemptAddresses"/> are not limited.
/// <para>
/// Memory is bounded: an entry lives while it has open connections or its minute runs; idle entries whose minute
/// is over are swept once a minute, and at most <see cref="ClientLimitOptions.MaxTrackedAddresses"/> entries exist.
/// In-process: in Azure mode each listener replica counts on its own. Thread-safe.
/// </para>
/// </summary>
public sealed class ClientAddressLimiter
{
    /// <summary>The rate window, as Postfix's anvil_rate_time_unit default.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    private readonly ClientLimitOptions _options;
    private readonly AddressRanges _exempt;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _lastSweep;

    public ClientAddressLimiter(IOptions<ClientLimitOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        if (!AddressRanges.TryParse(_options.ExemptAddresses, out _exempt, out string? invalid))
            throw new OptionsValidationException(ClientLimitOptions.Section, typeof(ClientLimitOptions),
                [$"{ClientLimitOptions.Section}:ExemptAddresses has an invalid entry '{invalid}'"]);
        _lastSweep = time.GetTimestamp();
    }

    /// <summary>Entries remembered now (open connections or a running minute).</summary>
    public int TrackedCount
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>True for an address in <see cref="ClientLimitOptions.ExemptAddresses"/>.</summary>
    public bool IsExempt(IPAddress address) => _exempt.Contains(address);

    /// <summary>
    /// Counts a connection attempt from <paramref name="address"/> to <paramref name="protocol"/> and admits it when
    /// the address is under both limits. On success <paramref name="slot"/> holds the connection's place: dispose it
    /// exactly when the connection ends (disposing twice is harmless). On failure nothing is held.
    /// </summary>
    public bool TryAcquire(string protocol, IPAddress address, [NotNullWhen(true)] out IDisposable? slot, out ClientAddressRefusal refusal)
    {
        refusal = default;
        if (_exempt.Contains(address))
        {
            slot = ReleaseOnce.None;
            return true;
        }
        string client = ClientAddressPrefix.Of(address, _options.Ipv6PrefixLength);
        string key = protocol + " " + client;
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_time.GetElapsedTime(_lastSweep, now) >= RateWindow) Sweep(now, evenWithinMinute: false);
            if (!_entries.TryGetValue(key, out var entry))
            {
                if (_entries.Count >= _options.MaxTrackedAddresses && !MakeRoom(now))
                {
                    slot = null;
                    refusal = new ClientAddressRefusal(ConnectionRefusal.ServerBusy, client, FirstThisMinute: true);
                    return false;
                }
                entry = new Entry { WindowStart = now };
                _entries.Add(key, entry);
            }
            if (_time.GetElapsedTime(entry.WindowStart, now) >= RateWindow)
            {
                entry.WindowStart = now;
                entry.Attempts = 0;
                entry.Refusals = 0;
            }
            entry.Attempts++;
            ConnectionRefusal? reason =
                entry.Attempts > _options.MaxConnectionsPerAddressPerMinute ? ConnectionRefusal.AddressRateExceeded
                : entry.Active >= _options.MaxConnectionsPerAddress ? ConnectionRefusal.TooManyFromAddress
                : null;
            if (reason is { } refused)
            {
                slot = null;
                refusal = new ClientAddressRefusal(refused, client, ++entry.Refusals == 1);
                return false;
            }
            entry.Active++;
            slot = new ReleaseOnce(() => Release(key, entry));
            return true;
        }
    }

    private void Release(string key, Entry entry)
    {
        lock (_gate)
        {
            entry.Active--;
            if (entry.Active == 0 && _time.GetElapsedTime(entry.WindowStart) >= RateWindow) _entries.Remove(key);
        }
    }

    /// <summary>Frees an entry for a new key: first idle entries whose minute is over, then any idle entry.</summary>
    private bool MakeRoom(long now)
    {
        Sweep(now, evenWithinMinute: false);
        if (_entries.Count < _options.MaxTrackedAddresses) return true;
        Sweep(now, evenWithinMinute: true);
        return _entries.Count < _options.MaxTrackedAddresses;
    }

    /// <summary>Removes entries without open connections whose minute is over, or all of them with <paramref name="evenWithinMinute"/>.</summary>
    private void Sweep(long now, bool evenWithinMinute)
    {
        _lastSweep = now;
        foreach (var (key, entry) in _entries)
            if (entry.Active == 0 && (evenWithinMinute || _time.GetElapsedTime(entry.WindowStart, now) >= RateWindow))
                _entries.Remove(key);
    }

    private sealed class Entry
    {
        public int Active;
        public long WindowStart;
        public int Attempts;
        public int Refusals;
    }
}
