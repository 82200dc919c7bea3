using CloudMail.Core.Dmarc;

namespace CloudMail.Filtering.Dmarc;

/// <summary>
/// The DMARC evaluation of one message (RFC 7489 §6.6; result names of RFC 8601 §2.7.1 / RFC 7489 §11.2).
/// </summary>
/// <param name="Result"><c>pass</c>, <c>fail</c>, <c>none</c> (no policy), <c>temperror</c> or <c>permerror</c>.</param>
/// <param name="FromDomain">The RFC5322.From domain, empty when there was none to check.</param>
/// <param name="Requested">The policy the domain asks for failing mail (p= or sp=), null without a record.</param>
/// <param name="Applied">What this receiver applies: <see cref="Requested"/> on a fail, lowered one step when pct= sampled it out (§6.6.4); None otherwise.</param>
/// <param name="PolicyDomain">The domain whose <c>_dmarc</c> record was applied (the From domain or its organizational domain); empty without a record.</param>
/// <param name="SpfAligned">SPF passed for a domain aligned with the From domain (§3.1.2).</param>
/// <param name="DkimAligned">A passing DKIM signature's d= is aligned with the From domain (§3.1.1).</param>
public sealed record DmarcOutcome(string Result, string FromDomain, DmarcPolicy? Requested, DmarcPolicy Applied, string Reason,
    string PolicyDomain = "", bool SpfAligned = false, bool DkimAligned = false)
{
    public static DmarcOutcome Without(string result, string fromDomain, string reason) => new(result, fromDomain, null, DmarcPolicy.None, reason);

    /// <summary>A record was found and applied (pass or fail): the message belongs in that domain's aggregate report (RFC 7489 §7.2).</summary>
    public bool Evaluated => PolicyDomain.Length > 0 && Result is "pass" or "fail";
}
