using System.Globalization;

namespace CloudMail.Filtering.Dmarc;

/// <summary>What a domain asks receivers to do with mail that fails DMARC (RFC 7489 §6.3 p= / sp=).</summary>
public enum DmarcPolicy
{
    None,
    Quarantine,
    Reject,
}

/// <summary>A parsed DMARC record (RFC 7489 §6.3): policy, subdomain policy, percentage and alignment modes.</summary>
/// <param name="SubdomainPolicy">sp=; the p= value when absent.</param>
/// <param name="StrictDkim">adkim=s; relaxed (r) by default.</param>
/// <param name="StrictSpf">aspf=s; relaxed (r) by default.</param>
/// <param name="Percent">pct=, 0–100 (100 by default).</param>
/// <param name="AggregateReportTo">rua= as given (reports are later work).</param>
public sealed record DmarcRecord(DmarcPolicy Policy, DmarcPolicy SubdomainPolicy, bool StrictDkim, bool StrictSpf, int Percent, string? AggregateReportTo)
{
    /// <summary>True when <paramref name="txt"/> starts with <c>v=DMARC1</c> (§6.4: the first tag, exact).</summary>
    public static bool IsDmarcRecord(string txt) =>
        txt.StartsWith("v=DMARC1", StringComparison.Ordinal) && (txt.Length == 8 || txt[8..].TrimStart().StartsWith(';'));

    /// <summary>
    /// Parses a record; null when it is not a valid DMARC record (§6.6.3: no v=DMARC1 first, no valid p=; a record with
    /// rua= but no p= counts as p=none). Unknown tags are ignored; invalid values of optional tags fall back to defaults. Never throws.
    /// </summary>
    public static DmarcRecord? Parse(string txt)
    {
        if (!IsDmarcRecord(txt)) return null;
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in txt.Split(';'))
        {
            int eq = part.IndexOf('=');
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
        return new DmarcRecord(policy.Value, sub,
            tags.GetValueOrDefault("adkim", "r").Equals("s", StringComparison.OrdinalIgnoreCase),
            tags.GetValueOrDefault("aspf", "r").Equals("s", StringComparison.OrdinalIgnoreCase),
            pct, tags.GetValueOrDefault("rua"));
    }

    private static DmarcPolicy? PolicyOf(string value) => value.ToLowerInvariant() switch
    {
        "none" => DmarcPolicy.None,
        "quarantine" => DmarcPolicy.Quarantine,
        "reject" => DmarcPolicy.Reject,
        _ => null,
    };
}
