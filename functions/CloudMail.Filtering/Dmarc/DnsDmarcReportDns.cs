using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Filtering.Dns;

namespace CloudMail.Filtering.Dmarc;

/// <summary>
/// <see cref="IDmarcReportDns"/> over the authentication resolver: the <c>_dmarc</c> record of a policy domain
/// (<see cref="DmarcRecord.Select"/>), and the external destination verification of RFC 7489 §7.1 with the Public
/// Suffix List for organizational domains. NXDOMAIN or no TXT: none; a resolver failure: temporary. Never throws for DNS
/// trouble.
/// </summary>
public sealed class DnsDmarcReportDns(IAuthenticationDns dns, PublicSuffixList suffixes) : IDmarcReportDns
{
    public async Task<DmarcPolicyLookup> PolicyAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        var answer = await dns.TxtAsync("_dmarc." + domain.TrimEnd('.'), cancellationToken).ConfigureAwait(false);
        return answer.Status == DnsStatus.Error ? new DmarcPolicyLookup(null, TemporaryFailure: true) : new DmarcPolicyLookup(DmarcRecord.Select(answer.Records));
    }

    public async Task<bool?> AcceptsReportsAsync(string policyDomain, string destinationDomain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyDomain);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationDomain);
        string policy = policyDomain.TrimEnd('.').ToLowerInvariant(), destination = destinationDomain.TrimEnd('.').ToLowerInvariant();
        // §7.1: only a destination outside the policy domain's organizational domain needs to agree.
        if (suffixes.OrganizationalDomain(policy) == suffixes.OrganizationalDomain(destination)) return true;
        // §7.1 steps 2–4: <policy-domain>._report._dmarc.<destination host>, a TXT record starting "v=DMARC1".
        var answer = await dns.TxtAsync($"{policy}._report._dmarc.{destination}", cancellationToken).ConfigureAwait(false);
        if (answer.Status == DnsStatus.Error) return null;
        return answer.Records.Any(DmarcRecord.IsDmarcRecord);
    }
}
