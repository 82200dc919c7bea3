using System.Globalization;

namespace CloudMail.Core.Dmarc;

/// <summary>What a domain asks receivers to do with mail that fails DMARC (RFC 7489 §6.3 p= / sp=).</summary>
public enum DmarcPolicy
{
    None,
    Quarantine,
    Reject,
}

/// <summary>
/// A parsed DMARC record (RFC 7489 §6.3): policy, subdomain policy, percentage, alignment modes, failure reporting
/// options and the aggregate report destinations. Pure; evaluated by CloudMail.Filtering, reported on by
/// <see cref="DmarcReporting.DmarcReportSender"/>.
/// </summary>
/// <param name="SubdomainPolicy">sp=; the p= value when absent.</param>
/// <param name="StrictDkim">adkim=s; relaxed (r) by default.</param>
/// <param name="StrictSpf">aspf=s; relaxed (r) by default.</param>
/// <param name="Percent">pct=, 0–100 (100 by default).</param>
/// <param name="AggregateReportUris">rua= (§6.3): the valid destinations in order; empty when none.</param>
/// <param name="FailureOptions">fo= as given, <c>0</c> by default (§6.3; reported in <c>policy_published</c>).</param>
public sealed record DmarcRecord(DmarcPolicy Policy, DmarcPolicy SubdomainPolicy, bool StrictDkim, bool StrictSpf, int Percent,
    IReadOnlyList<DmarcReportUri> AggregateReportUris, string FailureOptions = "0")
{
    /// <summary>True when <paramref name="txt"/> starts with <c>v=DMARC1</c> (§6.4: the first tag, exact).</summary>
    public static bool IsDmarcRecord(string txt) =>
        txt is not null && txt.StartsWith("v=DMARC1", StringComparison.Ordinal) && (txt.Length == 8 || txt[8..].TrimStart().StartsWith(';'));

    /// <summary>
    /// The policy among the TXT records at <c>_dmarc.domain</c> (each record's strings joined): §6.6.3 step 3 keeps those
    /// that are DMARC records; exactly one counts, none or several mean no policy (null).
    /// </summary>
    public static DmarcRecord? Select(IEnumerable<string> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var candidates = records.Where(IsDmarcRecord).Take(2).ToList();
        return candidates.Count == 1 ? Parse(candidates[0]) : null;
    }

    /// <summary>
    /// Parses a record; null when it is not a valid DMARC record (§6.6.3: no v=DMARC1 first, no valid p=; a record with
    /// rua= but no p= counts as p=none). Unknown tags are ignored; invalid values of optional tags fall back to defaults,
    /// invalid rua= URIs are dropped (§6.3). Never throws.
    /// </summary>
    public static DmarcRecord? Parse(string txt)
    {
        if (!IsDmarcRecord(txt)) return null;
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in txt.Split(';'))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) tags.TryAdd(part[..eq].Trim(), part[(eq + 1)..].Trim());
        }
        DmarcPolicy? policy = tags.TryGetValue("p", out string? p) ? PolicyOf(p) : null;
        if (policy is null)
        {
            if (!tags.ContainsKey("rua")) return null;
            policy = DmarcPolicy.None;
        }
        var sub = tags.TryGetValue("sp", out string? sp) ? PolicyOf(sp) ?? policy.Value : policy.Value;
        int pct = tags.TryGetValue("pct", out string? pctText) && int.TryParse(pctText, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= 100 ? n : 100;
        string fo = tags.TryGetValue("fo", out string? foText) && foText.Length > 0 ? foText : "0";
        return new DmarcRecord(policy.Value, sub,
            tags.GetValueOrDefault("adkim", "r").Equals("s", StringComparison.OrdinalIgnoreCase),
            tags.GetValueOrDefault("aspf", "r").Equals("s", StringComparison.OrdinalIgnoreCase),
            pct, DmarcReportUri.ParseList(tags.GetValueOrDefault("rua")), fo);
    }

    /// <summary>The policy keyword as a report writes it (§6.3): <c>none</c>, <c>quarantine</c> or <c>reject</c>.</summary>
    public static string Keyword(DmarcPolicy policy) => policy switch
    {
        DmarcPolicy.Quarantine => "quarantine",
        DmarcPolicy.Reject => "reject",
        _ => "none",
    };

    private static DmarcPolicy? PolicyOf(string value) => value.ToLowerInvariant() switch
    {
        "none" => DmarcPolicy.None,
        "quarantine" => DmarcPolicy.Quarantine,
        "reject" => DmarcPolicy.Reject,
        _ => null,
    };
}
