using DnsClient;

namespace CloudMail.Delivery.Tests.Dns;

/// <summary>A dnsmasq that logs every query it receives, and the counting of that log.</summary>
internal static class DnsmasqLog
{
    /// <summary>
    /// dnsmasq authoritative for <paramref name="zone"/> (its negative answers carry the zone's SOA, TTL and MINIMUM 300 s,
    /// as a real zone's do) with <paramref name="records"/>, logging each query.
    /// </summary>
    public static Task<DnsmasqProcess> StartAuthoritativeAsync(string zone, params string[] records) =>
        DnsmasqProcess.StartAsync([$"--auth-server=ns.{zone},127.0.0.1", $"--auth-zone={zone}", "--auth-ttl=300", "--log-queries", .. records]);

    /// <summary>
    /// Lines of the log that contain <paramref name="text"/> (names in any case), counted once the log holds every query
    /// sent before the call: dnsmasq answers and logs one query at a time, so a fresh sentinel query is sent last and
    /// the count is taken when its line has arrived (a loaded machine delays the log, never reorders it).
    /// </summary>
    public static async Task<int> CountAsync(DnsmasqProcess dns, string text)
    {
        string sentinel = $"log-sentinel-{Guid.NewGuid():N}.test";
        var client = new LookupClient(new LookupClientOptions(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, dns.Port))
        {
            UseCache = false, Retries = 2, Timeout = TimeSpan.FromSeconds(5), ThrowDnsErrors = false,
        });
        await client.QueryAsync(sentinel, QueryType.TXT);
        // Up to 30 s: the suite's servers share two cores and a late log line must not read as a missing one.
        for (int i = 0; i < 600 && !dns.Output.Contains(sentinel, StringComparison.OrdinalIgnoreCase); i++) await Task.Delay(50);
        Assert.Contains(sentinel, dns.Output, StringComparison.OrdinalIgnoreCase);
        return dns.Output.Split('\n').Count(line => line.Contains(text, StringComparison.OrdinalIgnoreCase));
    }
}
