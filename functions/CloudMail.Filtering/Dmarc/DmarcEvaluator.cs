using CloudMail.Core.Dmarc;
using CloudMail.Filtering.Dkim;
using CloudMail.Filtering.Dns;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Dmarc;

/// <summary>
/// DMARC of RFC 7489 §6.6: the policy record of the From domain (else of its organizational domain, §6.6.3), then
/// identifier alignment (§3.1): SPF aligns when it passed for the MAIL FROM domain and that domain equals the From domain
/// (aspf=s) or shares its organizational domain (relaxed); DKIM likewise for the d= of any passing signature (adkim).
/// Either aligned pass is a DMARC pass. On a fail the policy is p= (sp= when the record is the organizational domain's
/// and the From domain is a subdomain), applied to pct= percent of failing mail (§6.6.4: the rest gets the next milder
/// policy). Never throws for DNS content; only cancellation propagates.
/// </summary>
public sealed class DmarcEvaluator(IAuthenticationDns dns, PublicSuffixList suffixes, Func<int>? percentile = null)
{
    /// <summary>0–99, uniformly: the pct= sample. Tests fix it.</summary>
    private readonly Func<int> _percentile = percentile ?? (() => Random.Shared.Next(100));

    public async Task<DmarcOutcome> EvaluateAsync(string? fromDomain, SpfOutcome spf, IReadOnlyList<DkimResult> dkim, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(fromDomain)) return DmarcOutcome.Without("none", string.Empty, "no single RFC5322.From domain");
        string from = fromDomain.TrimEnd('.').ToLowerInvariant();
        string organizational = suffixes.OrganizationalDomain(from);
        var (record, fromOrganizational, error) = await FindRecordAsync(from, organizational, cancellationToken).ConfigureAwait(false);
        string policyDomain = fromOrganizational ? organizational : from;
        if (error is not null) return DmarcOutcome.Without("temperror", from, error);
        if (record is null) return DmarcOutcome.Without("none", from, "no DMARC record");

        bool spfAligned = spf.Result == SpfResult.Pass && Aligned(spf.Domain, from, record.StrictSpf);
        var dkimAligned = dkim.FirstOrDefault(d => d.Passed && Aligned(d.Domain, from, record.StrictDkim));
        var requested = fromOrganizational && !from.Equals(organizational, StringComparison.Ordinal) ? record.SubdomainPolicy : record.Policy;
        if (spfAligned || dkimAligned is not null)
        {
            string how = dkimAligned is not null ? $"DKIM aligned (d={dkimAligned.Domain})" : $"SPF aligned ({spf.Domain})";
            return new DmarcOutcome("pass", from, requested, DmarcPolicy.None, how, policyDomain, spfAligned, dkimAligned is not null);
        }
        var applied = requested;
        if (record.Percent < 100 && _percentile() >= record.Percent)
            applied = requested == DmarcPolicy.Reject ? DmarcPolicy.Quarantine : DmarcPolicy.None;
        return new DmarcOutcome("fail", from, requested, applied, "neither SPF nor DKIM aligned with the From domain", policyDomain);
    }

    /// <summary>§3.1.1/§3.1.2: strict is equality; relaxed compares organizational domains.</summary>
    public bool Aligned(string authenticated, string from, bool strict)
    {
        if (authenticated.Length == 0) return false;
        string a = authenticated.TrimEnd('.').ToLowerInvariant();
        return strict ? a == from : suffixes.OrganizationalDomain(a) == suffixes.OrganizationalDomain(from);
    }

    private async Task<(DmarcRecord? Record, bool FromOrganizational, string? Error)> FindRecordAsync(string from, string organizational, CancellationToken ct)
    {
        var (record, error) = await LookupAsync(from, ct).ConfigureAwait(false);
        if (error is not null || record is not null || organizational == from) return (record, false, error);
        (record, error) = await LookupAsync(organizational, ct).ConfigureAwait(false);
        return (record, true, error);
    }

    /// <summary>§6.6.3: the TXT records at _dmarc.domain that are DMARC records; exactly one counts, several mean none.</summary>
    private async Task<(DmarcRecord? Record, string? Error)> LookupAsync(string domain, CancellationToken ct)
    {
        var answer = await dns.TxtAsync("_dmarc." + domain, ct).ConfigureAwait(false);
        if (answer.Status == DnsStatus.Error) return (null, $"DNS failure looking up _dmarc.{domain}");
        return (DmarcRecord.Select(answer.Records), null);
    }
}
