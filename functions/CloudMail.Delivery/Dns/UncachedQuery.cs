using DnsClient;

namespace CloudMail.Delivery.Dns;

/// <summary>
/// Options for a query that must reach the resolvers of <c>CloudMail:Dns</c> now, past <see cref="CachingLookupClient"/>'s
/// cache (which serves only queries without options): same resolvers, timeout and retries as the shared client, errors
/// as answers, TCP when the answer is truncated.
/// </summary>
public static class UncachedQuery
{
    /// <summary>The options; <paramref name="dnssec"/> sets the DO bit (RFC 4035 §3.2.1), so a validating resolver says whether the answer is authenticated (AD bit).</summary>
    public static DnsQueryAndServerOptions Options(ILookupClient dns, bool dnssec = false)
    {
        ArgumentNullException.ThrowIfNull(dns);
        return new DnsQueryAndServerOptions(dns.NameServers.ToArray())
        {
            RequestDnsSecRecords = dnssec,
            Timeout = dns.Settings.Timeout,
            Retries = dns.Settings.Retries,
            UseCache = false,
            UseTcpFallback = true,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
        };
    }
}
