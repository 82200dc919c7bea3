namespace CloudMail.Delivery.Tests.Dns;

/// <summary>Reads the query log of a dnsmasq started with <c>--log-queries</c>.</summary>
internal static class DnsmasqLog
{
    /// <summary>Lines of the log that contain <paramref name="text"/> (names in any case), once the log has caught up.</summary>
    public static async Task<int> CountAsync(DnsmasqProcess dns, string text)
    {
        int Count() => dns.Output.Split('\n').Count(line => line.Contains(text, StringComparison.OrdinalIgnoreCase));
        for (int i = 0; i < 40 && Count() == 0; i++) await Task.Delay(50);
        await Task.Delay(100);
        return Count();
    }
}
