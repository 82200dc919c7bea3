using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery.MtaSts;
using DnsClient.Protocol;

namespace CloudMail.Delivery.TlsReporting;

/// <summary>How outbound delivery's view of a destination maps onto RFC 8460 report fields. Pure except <see cref="SendingAddress"/>.</summary>
public static class TlsReportPolicies
{
    /// <summary>
    /// The policy a session with the MX hosts of <paramref name="domain"/> is counted under: its MTA-STS policy in enforce
    /// or testing mode (policy-string = the policy file's lines, §4.4; mx-host = its patterns), else no-policy-found.
    /// </summary>
    public static TlsReportPolicy For(string domain, MtaStsPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (policy is null || policy.Mode == MtaStsMode.None) return TlsReportPolicy.None(domain);
        var lines = new List<string> { "version: STSv1", "mode: " + (policy.Mode == MtaStsMode.Enforce ? "enforce" : "testing") };
        lines.AddRange(policy.MxPatterns.Select(mx => "mx: " + mx));
        lines.Add("max_age: " + ((long)policy.MaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        return new TlsReportPolicy(TlsPolicyType.Sts, TlsReportPolicy.Normalize(domain), lines, [.. policy.MxPatterns]);
    }

    /// <summary>
    /// The policy a session with an MX host of <paramref name="domain"/> that has usable TLSA records is counted under
    /// (RFC 8460 §4.3: policy-type tlsa, policy-string = the TLSA records in presentation form, "usage selector matching
    /// data"); <paramref name="records"/> empty when the lookup failed (no records could be validated).
    /// </summary>
    public static TlsReportPolicy ForDane(string domain, IEnumerable<TlsaRecord> records)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(records);
        var strings = records.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{(int)r.CertificateUsage} {(int)r.Selector} {(int)r.MatchingType} {Convert.ToHexStringLower(r.CertificateAssociationData.ToArray())}")).ToList();
        return new TlsReportPolicy(TlsPolicyType.Tlsa, TlsReportPolicy.Normalize(domain), strings, []);
    }

    /// <summary>
    /// The local address a connection to <paramref name="remote"/> leaves from (the route's source address, found by
    /// "connecting" a UDP socket, which sends nothing), or null when it cannot be told.
    /// </summary>
    public static string? SendingAddress(IPAddress? remote)
    {
        if (remote is null) return null;
        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(remote, 9);
            return (probe.LocalEndPoint as IPEndPoint)?.Address.ToString();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
