using System.Collections.Concurrent;
using System.Net;
using CloudMail.Filtering.Dns;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Smtp.Dnsbl;

/// <summary>
/// Asks every configured blocklist about a client address, all zones at once, through the shared resolver
/// (<c>CloudMail:Dns:Servers</c>). Returns the first zone that lists it, or null. A zone that fails or times out does not
/// list it (fail open: a broken blocklist must not stop mail), and says so in the log. A "not listed" answer (NXDOMAIN, or
/// no listing address) is reused for the same address and zone for <see cref="NotListedReuse"/>, as Postfix's postscreen
/// keeps a passed client (postscreen_dnsbl_ttl, an hour there): senders open several connections in a row, and blocklists
/// limit how many queries they answer. Listings are not remembered here (the resolver's cache keeps them for their TTL),
/// nor failures.
/// </summary>
public sealed partial class DnsblChecker(DnsblOptions options, ILookupClient dns, ILogger<DnsblChecker> logger)
{
    /// <summary>How long a "not listed" answer is reused.</summary>
    public static readonly TimeSpan NotListedReuse = TimeSpan.FromMinutes(1);

    /// <summary>Most "not listed" answers remembered; when full, all are forgotten (memory stays bounded under a flood).</summary>
    public const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, long> _notListedUntil = new(StringComparer.Ordinal);
    private int _remembered; // entries added since the last clear (ConcurrentDictionary.Count takes every lock)

    public bool Enabled => options.Zones.Count > 0;

    public async Task<string?> ListingZoneAsync(IPAddress client, CancellationToken cancellationToken)
    {
        if (!Enabled) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var lookups = options.Zones.Select(zone => ListsAsync(client, zone, timeout.Token)).ToArray();
        bool[] listed = await Task.WhenAll(lookups).ConfigureAwait(false);
        for (int i = 0; i < listed.Length; i++)
            if (listed[i]) return options.Zones[i];
        return null;
    }

    private async Task<bool> ListsAsync(IPAddress client, string zone, CancellationToken cancellationToken)
    {
        string name = DnsblQueryName.For(client, zone);
        if (_notListedUntil.TryGetValue(name, out long until) && Environment.TickCount64 < until) return false;
        try
        {
            var response = await dns.QueryAsync(name, QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            bool listed = response.Answers.ARecords().Any(a => DnsblQueryName.IsListing(a.Address));
            if (!listed && (!response.HasError || response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain))
            {
                long reuseUntil = Environment.TickCount64 + (long)NotListedReuse.TotalMilliseconds;
                if (!_notListedUntil.TryAdd(name, reuseUntil)) _notListedUntil[name] = reuseUntil;
                else if (Interlocked.Increment(ref _remembered) > MaxRemembered)
                {
                    _notListedUntil.Clear();
                    Interlocked.Exchange(ref _remembered, 0);
                }
            }
            return listed;
        }
        catch (Exception e) when (e is DnsResponseException or OperationCanceledException)
        {
            LogLookupFailed(zone, e.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blocklist {Zone} did not answer ({Failure}); the client counts as not listed there")]
    private partial void LogLookupFailed(string zone, string failure);
}
