using CloudMail.Core.Dmarc;

namespace CloudMail.Core.DmarcReporting;

/// <summary>
/// The DNS look-ups of DMARC reporting (implemented over the authentication resolver in <c>CloudMail.Filtering</c>).
/// Never throws for DNS trouble; only cancellation propagates.
/// </summary>
public interface IDmarcReportDns
{
    /// <summary>The DMARC record at <c>_dmarc.<paramref name="domain"/></c> (RFC 7489 §6.6.3), none, or a temporary failure.</summary>
    Task<DmarcPolicyLookup> PolicyAsync(string domain, CancellationToken cancellationToken);

    /// <summary>
    /// External destination verification (RFC 7489 §7.1): true when <paramref name="destinationDomain"/> is in the
    /// organizational domain of <paramref name="policyDomain"/>, or publishes a TXT record starting <c>v=DMARC1</c> at
    /// <c>policyDomain._report._dmarc.destinationDomain</c>; false when it does not; null on a temporary DNS failure.
    /// </summary>
    Task<bool?> AcceptsReportsAsync(string policyDomain, string destinationDomain, CancellationToken cancellationToken);
}

/// <summary>What a policy lookup found.</summary>
/// <param name="Record">The record, or null when the domain has none.</param>
/// <param name="TemporaryFailure">The resolver failed: the domain may well have one.</param>
public sealed record DmarcPolicyLookup(DmarcRecord? Record, bool TemporaryFailure = false);
