using System.Security.Cryptography;
using System.Text;

namespace CloudMail.Core.TlsReporting;

/// <summary>
/// The policy a session was evaluated against (RFC 8460 §4.4 <c>policy</c>): its type, the policy text as a list of
/// strings (for STS the policy file's lines; for TLSA the records), the domain it belongs to and, for STS, the MX host
/// patterns. Sessions are counted per (domain, day, policy).
/// </summary>
/// <param name="Type">sts, tlsa or no-policy-found.</param>
/// <param name="PolicyDomain">The recipient domain the policy is for (lower-case).</param>
/// <param name="PolicyStrings">The policy, one string per line or record; empty for no-policy-found.</param>
/// <param name="MxHosts">MX host patterns the policy names (STS); empty otherwise.</param>
public sealed record TlsReportPolicy(TlsPolicyType Type, string PolicyDomain, IReadOnlyList<string> PolicyStrings, IReadOnlyList<string> MxHosts)
{
    /// <summary>No policy for <paramref name="domain"/>: opportunistic TLS.</summary>
    public static TlsReportPolicy None(string domain) => new(TlsPolicyType.NoPolicyFound, Normalize(domain), [], []);

    /// <summary>
    /// A stable key of this policy within its domain (type, strings and hosts; 32 hex digits of SHA-256), for storage rows.
    /// </summary>
    public string Key => TlsReportKeys.Of(Type.ToWireName(), string.Join('\u001f', PolicyStrings), string.Join('\u001f', MxHosts));

    /// <summary>Lower-case, without a trailing dot.</summary>
    public static string Normalize(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return domain.Trim().TrimEnd('.').ToLowerInvariant();
    }

    public bool Equals(TlsReportPolicy? other) =>
        other is not null && Type == other.Type && PolicyDomain == other.PolicyDomain
        && PolicyStrings.SequenceEqual(other.PolicyStrings) && MxHosts.SequenceEqual(other.MxHosts);

    public override int GetHashCode() => HashCode.Combine(Type, PolicyDomain, Key);
}

/// <summary>One kind of failure (RFC 8460 §4.4 <c>failure-details</c>, without its count).</summary>
/// <param name="ResultType">One of <see cref="TlsResultTypes"/>.</param>
/// <param name="SendingMtaIp">Our address used for the session, when known.</param>
/// <param name="ReceivingMxHostname">The MX host name we tried.</param>
/// <param name="ReceivingIp">The MX host's address, when a connection was made to one.</param>
/// <param name="FailureReasonCode">A short free-form code for the operator (<c>failure-reason-code</c>), or null.</param>
public sealed record TlsFailureDetail(string ResultType, string? SendingMtaIp, string? ReceivingMxHostname, string? ReceivingIp, string? FailureReasonCode = null)
{
    /// <summary>A stable key of this detail (32 hex digits of SHA-256), for storage rows.</summary>
    public string Key => TlsReportKeys.Of(ResultType, SendingMtaIp ?? "", ReceivingMxHostname ?? "", ReceivingIp ?? "", FailureReasonCode ?? "");
}

/// <summary>The outcome of one TLS session attempt: success when <paramref name="Failure"/> is null.</summary>
public sealed record TlsSessionResult(TlsReportPolicy Policy, TlsFailureDetail? Failure = null)
{
    /// <summary>True when TLS was negotiated as the policy asks.</summary>
    public bool Succeeded => Failure is null;
}

/// <summary>Hashing of composite values into row keys.</summary>
internal static class TlsReportKeys
{
    public static string Of(params string[] parts)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(string.Join('\n', parts));
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16));
    }
}
