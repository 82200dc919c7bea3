using CloudMail.Core.Dmarc;
using CloudMail.Filtering.Results;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Spam;

/// <summary>
/// Spam rules on the sender authentication of a message (the <see cref="AuthenticationFilter"/>'s report of the same
/// filter-chain run), weighted like rspamd's and SpamAssassin's rules of the same meaning. A failure only raises the
/// score: a pass lowers nothing, since anyone can pass SPF and DKIM for a domain of their own. Pure.
/// <list type="bullet">
/// <item><c>SPF_FAIL</c> 1.0, <c>SPF_SOFTFAIL</c> 0.7: the client is not (or probably not) allowed to send for the
/// MAIL FROM domain (RFC 7208 §2.6.4, §2.6.5).</item>
/// <item><c>DKIM_INVALID</c> 1.0: the message carries DKIM signatures and none verified, at least one of them failing
/// (a broken signature, RFC 6376 §6.1; temporary DNS errors do not count).</item>
/// <item><c>DMARC_FAIL</c> 1.0 under <c>p=none</c>, <c>DMARC_FAIL_QUARANTINE</c> 3.0, <c>DMARC_FAIL_REJECT</c> 4.0: the
/// From domain's policy as applied after <c>pct=</c> (RFC 7489 §6.6.4) and the message failed it. A refused message is
/// never scored, so <c>DMARC_FAIL_REJECT</c> marks mail accepted despite p=reject (SPF did not fail, or refusal is off).</item>
/// <item><c>ARC_FAIL</c> 1.0: an ARC chain is present and broken (RFC 8617 §5.2).</item>
/// </list>
/// </summary>
public static class AuthenticationRules
{
    public static IReadOnlyList<SpamHit> Evaluate(AuthenticationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var hits = new List<SpamHit>();
        if (report.Spf.Result == SpfResult.Fail) hits.Add(new("SPF_FAIL", 1.0));
        else if (report.Spf.Result == SpfResult.SoftFail) hits.Add(new("SPF_SOFTFAIL", 0.7));
        if (report.Dkim.Count > 0 && !report.Dkim.Any(d => d.Passed) && report.Dkim.Any(d => d.Result is "fail" or "permerror"))
            hits.Add(new("DKIM_INVALID", 1.0));
        if (report.Dmarc.Result == "fail")
        {
            hits.Add(report.Dmarc.Applied switch
            {
                DmarcPolicy.Reject => new SpamHit("DMARC_FAIL_REJECT", 4.0),
                DmarcPolicy.Quarantine => new SpamHit("DMARC_FAIL_QUARANTINE", 3.0),
                _ => new SpamHit("DMARC_FAIL", 1.0),
            });
        }
        if (report.Arc == "fail") hits.Add(new("ARC_FAIL", 1.0));
        return hits;
    }
}
