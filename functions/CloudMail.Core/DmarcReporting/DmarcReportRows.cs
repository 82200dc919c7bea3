using System.Text.Json;
using CloudMail.Core.Dmarc;

namespace CloudMail.Core.DmarcReporting;

/// <summary>Helpers both storage backends use to store and read back DMARC report rows the same way.</summary>
public static class DmarcReportRows
{
    /// <summary>The DKIM results as a JSON array of <c>[domain, selector, result]</c>.</summary>
    public static string DkimToJson(IReadOnlyList<DmarcDkimResult> dkim)
    {
        ArgumentNullException.ThrowIfNull(dkim);
        return JsonSerializer.Serialize(dkim.Select(d => new[] { d.Domain, d.Selector, d.Result }).ToList());
    }

    /// <summary>A JSON array written by <see cref="DkimToJson"/> back as results; empty for anything else (never throws).</summary>
    public static IReadOnlyList<DmarcDkimResult> DkimFromJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return [.. (JsonSerializer.Deserialize<List<string[]>>(json) ?? []).Where(a => a is { Length: 3 }).Select(a => new DmarcDkimResult(a[0], a[1], a[2]))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The disposition keyword back as a policy; none for anything unknown.</summary>
    public static DmarcPolicy Disposition(string? keyword) => keyword switch
    {
        "reject" => DmarcPolicy.Reject,
        "quarantine" => DmarcPolicy.Quarantine,
        _ => DmarcPolicy.None,
    };

    /// <summary>Counts in the order <see cref="IDmarcReportStore.GetAsync"/> promises: source address, then key.</summary>
    public static IReadOnlyList<DmarcResultCount> Sort(IEnumerable<DmarcResultCount> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return [.. counts.OrderBy(c => c.Result.SourceIp, StringComparer.Ordinal).ThenBy(c => c.Result.Key, StringComparer.Ordinal)];
    }

    /// <summary>Lower-case, without a trailing dot.</summary>
    public static string Normalize(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return domain.Trim().TrimEnd('.').ToLowerInvariant();
    }
}
