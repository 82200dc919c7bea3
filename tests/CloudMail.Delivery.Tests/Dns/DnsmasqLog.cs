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

    /// <summary>Lines of the log that contain <paramref name="text"/> (names in any case), once the log has caught up.</summary>
    public static async Task<int> CountAsync(DnsmasqProcess dns, string text)
    {
        int Count() => dns.Output.Split('\n').Count(line => line.Contains(text, StringComparison.OrdinalIgnoreCase));
        for (int i = 0; i < 40 && Count() == 0; i++) await Task.Delay(50);
        await Task.Delay(100);
        return Count();
    }
}
