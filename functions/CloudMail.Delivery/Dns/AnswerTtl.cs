using DnsClient;
using DnsClient.Protocol;

namespace CloudMail.Delivery.Dns;

/// <summary>How long a DNS answer may be reused. Pure.</summary>
public static class AnswerTtl
{
    /// <summary>
    /// The longest time a negative answer is kept, whatever its SOA says: one hour, the default cap of Unbound
    /// (<c>cache-max-negative-ttl</c>); RFC 2308 §5 calls values of one to three hours sensible.
    /// </summary>
    public static readonly TimeSpan MaxNegative = TimeSpan.FromHours(1);

    /// <summary>The longest time a positive answer is kept, whatever its TTL: one day, Unbound's default <c>cache-max-ttl</c>.</summary>
    public static readonly TimeSpan MaxPositive = TimeSpan.FromDays(1);

    /// <summary>
    /// RFC 2308: the time to keep <paramref name="response"/> if it is a negative answer, a name error (NXDOMAIN, §2.1) or
    /// "no data" (NOERROR with an empty answer section, §2.2), that carries its zone's SOA record in the authority section:
    /// the smaller of the SOA record's own TTL and its MINIMUM field (§3), at most <see cref="MaxNegative"/>. Else
    /// <see langword="null"/>: another response code (a server failure says nothing about the name and is asked again),
    /// an answer with records, a truncated answer, no SOA (§5: SHOULD NOT be cached), or a TTL of zero.
    /// </summary>
    public static TimeSpan? Negative(IDnsQueryResponse response)
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
        return ttl < MaxNegative ? ttl : MaxNegative;
    }

    /// <summary>
    /// The time to keep any answer: a complete NOERROR answer with records for the smallest TTL among them (RFC 2181
    /// §5.2: the records of an RRset share one TTL; a CNAME chain lives as long as its shortest link), at most
    /// <see cref="MaxPositive"/>; a negative answer as <see cref="Negative"/> says; <see langword="null"/> for everything
    /// else (failures, truncation, TTL zero).
    /// </summary>
    public static TimeSpan? Any(IDnsQueryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Header.ResponseCode != DnsHeaderResponseCode.NoError || response.Answers.Count == 0 || response.Header.ResultTruncated)
            return Negative(response);
        long seconds = response.Answers.Min(r => (long)r.InitialTimeToLive);
        if (seconds <= 0) return null;
        var ttl = TimeSpan.FromSeconds(seconds);
        return ttl < MaxPositive ? ttl : MaxPositive;
    }
}
