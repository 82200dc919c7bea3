using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Filtering.Results;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Dmarc;

/// <summary>
/// Why CloudMail's disposition of a DMARC-failing message differs from what the domain's policy asked for: the
/// <c>policy_evaluated/reason</c> elements of its aggregate report row (RFC 7489 Appendix C, §7.2). Pure.
/// </summary>
public static class DmarcOverrides
{
    /// <summary>
    /// The reasons for <paramref name="disposition"/> (what was done with the message) given <paramref name="report"/>:
    /// none unless DMARC failed under p=quarantine or p=reject. <c>sampled_out</c> when pct= lowered the policy
    /// (RFC 7489 §6.6.4); then, when the disposition is milder still, <c>trusted_forwarder</c> for a message let through
    /// because a trusted sealer's ARC chain passed (<paramref name="trustedForwarder"/>, with the chain in the comment as
    /// RFC 8617 §7.2.2 suggests), else <c>local_policy</c> naming CloudMail's rule: quarantine switched off (the verdict is
    /// in Authentication-Results), reject only when SPF failed too (RFC 7489 §10.3), or rejection switched off.
    /// </summary>
    public static IReadOnlyList<DmarcOverrideReason> Of(AuthenticationReport report, DmarcPolicy disposition, bool rejectOnPolicy, bool quarantineOnPolicy,
        bool trustedForwarder)
    {
        ArgumentNullException.ThrowIfNull(report);
        DmarcOutcome dmarc = report.Dmarc;
        if (dmarc.Result != "fail" || dmarc.Requested is not ({ } requested and not DmarcPolicy.None)) return [];
        var reasons = new List<DmarcOverrideReason>();
        if (dmarc.Applied < requested)
            reasons.Add(new DmarcOverrideReason(DmarcOverride.SampledOut, $"not in the pct= sample: {Keyword(dmarc.Applied)} instead of {Keyword(requested)}"));
        if (disposition >= dmarc.Applied) return reasons;
        if (trustedForwarder)
        {
            reasons.Add(new DmarcOverrideReason(DmarcOverride.TrustedForwarder, ArcComment(report)));
            return reasons;
        }
        if (dmarc.Applied == DmarcPolicy.Reject)
        {
            if (!rejectOnPolicy)
                reasons.Add(new DmarcOverrideReason(DmarcOverride.LocalPolicy, "rejection on DMARC policy is switched off"));
            else if (report.Spf.Result != SpfResult.Fail)
                reasons.Add(new DmarcOverrideReason(DmarcOverride.LocalPolicy, $"reject applied only when SPF fails too (spf={report.Spf.Keyword})"));
            else
                reasons.Add(new DmarcOverrideReason(DmarcOverride.Other));
        }
        if (disposition == DmarcPolicy.None && !quarantineOnPolicy)
            reasons.Add(new DmarcOverrideReason(DmarcOverride.LocalPolicy, "quarantine on DMARC policy is switched off: delivered with the verdict in Authentication-Results"));
        else if (disposition == DmarcPolicy.None && reasons.Count == 0)
            reasons.Add(new DmarcOverrideReason(DmarcOverride.Other));
        return reasons;
    }

    /// <summary>The ARC chain as RFC 8617 §7.2.2 shows it: <c>arc=pass as[2].d=... as[2].s=... as[1].d=... as[1].s=...</c>, newest first.</summary>
    public static string ArcComment(AuthenticationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return string.Join(' ', new[] { "arc=" + report.Arc }.Concat(report.Sealers.OrderByDescending(s => s.Instance)
            .Select(s => $"as[{s.Instance}].d={s.Domain} as[{s.Instance}].s={s.Selector}")));
    }

    private static string Keyword(DmarcPolicy policy) => DmarcRecord.Keyword(policy);
}
