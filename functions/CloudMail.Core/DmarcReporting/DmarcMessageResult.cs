using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Dmarc;

namespace CloudMail.Core.DmarcReporting;

/// <summary>
/// What an aggregate report (RFC 7489 §7.2, Appendix C <c>record</c>) says about one inbound message that got a DMARC
/// evaluation: the connecting address, the identifiers, the disposition applied, the aligned results and the raw
/// authentication results. Messages with equal values are counted in one row.
/// </summary>
/// <param name="PolicyDomain">The domain whose <c>_dmarc</c> record was applied (the From domain or its organizational domain), lower-case.</param>
/// <param name="SourceIp">The client address (<c>row/source_ip</c>).</param>
/// <param name="HeaderFrom">The RFC5322.From domain (<c>identifiers/header_from</c>).</param>
/// <param name="EnvelopeFrom">The RFC5321.MailFrom domain, empty for the null reverse-path (<c>identifiers/envelope_from</c>).</param>
/// <param name="Disposition">What this receiver did (<c>policy_evaluated/disposition</c>).</param>
/// <param name="DkimAligned">A passing DKIM signature was aligned (<c>policy_evaluated/dkim</c> pass).</param>
/// <param name="SpfAligned">SPF passed for an aligned domain (<c>policy_evaluated/spf</c> pass).</param>
/// <param name="Dkim">Every DKIM signature's result (<c>auth_results/dkim</c>), in message order.</param>
/// <param name="Spf">The SPF result (<c>auth_results/spf</c>).</param>
/// <param name="Reasons">
/// Why <paramref name="Disposition"/> differs from what the policy asked for (<c>policy_evaluated/reason</c>), in order;
/// null or empty when it does not.
/// </param>
public sealed record DmarcMessageResult(string PolicyDomain, string SourceIp, string HeaderFrom, string EnvelopeFrom, DmarcPolicy Disposition,
    bool DkimAligned, bool SpfAligned, IReadOnlyList<DmarcDkimResult> Dkim, DmarcSpfResult Spf, IReadOnlyList<DmarcOverrideReason>? Reasons = null)
{
    /// <summary><see cref="Reasons"/>, empty when null.</summary>
    public IReadOnlyList<DmarcOverrideReason> OverrideReasons => Reasons ?? [];

    /// <summary>A stable key of everything but the policy domain (32 hex digits of SHA-256), for storage rows.</summary>
    public string Key
    {
        get
        {
            var text = new StringBuilder()
                .Append(SourceIp).Append('\n').Append(HeaderFrom).Append('\n').Append(EnvelopeFrom).Append('\n')
                .Append(DmarcRecord.Keyword(Disposition)).Append('\n').Append(DkimAligned).Append('\n').Append(SpfAligned).Append('\n')
                .Append(Spf.Domain).Append('\u001f').Append(Spf.Scope).Append('\u001f').Append(Spf.Result);
            foreach (DmarcDkimResult d in Dkim) text.Append('\n').Append(d.Domain).Append('\u001f').Append(d.Selector).Append('\u001f').Append(d.Result);
            // Rows without reasons keep the keys they had before reasons were reported.
            foreach (DmarcOverrideReason r in OverrideReasons) text.Append("\n\u001e").Append(r.Keyword).Append('\u001f').Append(r.Comment);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16));
        }
    }

    public bool Equals(DmarcMessageResult? other) =>
        other is not null && PolicyDomain == other.PolicyDomain && Key == other.Key;

    public override int GetHashCode() => HashCode.Combine(PolicyDomain, Key);
}

/// <summary>One DKIM signature's result (RFC 7489 Appendix C <c>DKIMAuthResultType</c>).</summary>
/// <param name="Domain">The signature's d=.</param>
/// <param name="Selector">Its s=.</param>
/// <param name="Result">none, pass, fail, policy, neutral, temperror or permerror (RFC 8601 §2.7.1).</param>
public sealed record DmarcDkimResult(string Domain, string Selector, string Result);

/// <summary>The SPF result (RFC 7489 Appendix C <c>SPFAuthResultType</c>).</summary>
/// <param name="Domain">The domain checked (MAIL FROM domain, or the HELO name).</param>
/// <param name="Scope"><c>mfrom</c> or <c>helo</c>.</param>
/// <param name="Result">none, neutral, pass, fail, softfail, temperror or permerror (RFC 7208 §2.6).</param>
public sealed record DmarcSpfResult(string Domain, string Scope, string Result);

/// <summary>How many messages of one day had <paramref name="Result"/> (<c>row/count</c>).</summary>
public sealed record DmarcResultCount(DmarcMessageResult Result, long Messages);
