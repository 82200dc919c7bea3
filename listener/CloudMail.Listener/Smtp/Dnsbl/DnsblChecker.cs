using System.Net;
using CloudMail.Filtering.Dns;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Smtp.Dnsbl;

/// <summary>
/// Asks every configured blocklist about a client address, all zones at once, through the shared resolver
/// (<c>CloudMail:Dns:Servers</c>). Returns the first zone that lists it, or null. A zone that fails or times out does not
/// list it (fail open: a broken blocklist must not stop mail), and says so in the log.
/// </summary>
public sealed partial class DnsblChecker(DnsblOptions options, ILookupClient dns, ILogger<DnsblChecker> logger)
{
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
        try
        {
            var response = await dns.QueryAsync(DnsblQueryName.For(client, zone), QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            return response.Answers.ARecords().Any(a => DnsblQueryName.IsListing(a.Address));
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
