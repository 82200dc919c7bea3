using DnsClient;
using DnsClient.Protocol;

namespace CloudMail.Delivery.Dns;

/// <summary>
/// How long a negative DNS answer may be reused (RFC 2308): a name error (NXDOMAIN, §2.1) or a "no data" answer (NOERROR
/// with an empty answer section, §2.2) that carries its zone's SOA record in the authority section. Pure.
/// </summary>
public static class NegativeAnswerTtl
{
    /// <summary>
    /// The longest time a negative answer is kept, whatever its SOA says: one hour, the default cap of Unbound
    /// (<c>cache-max-negative-ttl</c>); RFC 2308 §5 calls values of one to three hours sensible.
    /// </summary>
    public static readonly TimeSpan Max = TimeSpan.FromHours(1);

    /// <summary>
    /// The time to keep <paramref name="response"/>, or <see langword="null"/> when it is not a cacheable negative answer:
    /// another response code (a server failure says nothing about the name and is asked again), an answer with records,
    /// no SOA in the authority section (§5: SHOULD NOT be cached), or a TTL of zero. Else the smaller of the SOA record's
    /// own TTL and its MINIMUM field (§3), at most <see cref="Max"/>.
    /// </summary>
    public static TimeSpan? Of(IDnsQueryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var code = response.Header.ResponseCode;
        bool negative = code == DnsHeaderResponseCode.NotExistentDomain
                        || (code == DnsHeaderResponseCode.NoError && response.Answers.Count == 0);
        if (!negative || response.Header.ResultTruncated) return null;
        SoaRecord? soa = response.Authorities.OfType<SoaRecord>().FirstOrDefault();
        if (soa is null) return null;
        long seconds = Math.Min((long)soa.InitialTimeToLive, (long)soa.Minimum);
        if (seconds <= 0) return null;
        var ttl = TimeSpan.FromSeconds(seconds);
        return ttl < Max ? ttl : Max;
    }
}
