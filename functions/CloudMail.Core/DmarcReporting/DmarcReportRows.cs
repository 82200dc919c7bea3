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
    public static IReadOnlyList<DmarcDkimResult> DkimFromJson(string? json) =>
        FromJsonArrays(json, 3, a => new DmarcDkimResult(a[0], a[1], a[2]));

    /// <summary>The override reasons as a JSON array of <c>[type, comment]</c> (empty array for none).</summary>
    public static string ReasonsToJson(IReadOnlyList<DmarcOverrideReason> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        return JsonSerializer.Serialize(reasons.Select(r => new[] { r.Keyword, r.Comment }).ToList());
    }

    /// <summary>A JSON array written by <see cref="ReasonsToJson"/> back as reasons; empty for anything else, including null or empty text (never throws).</summary>
    public static IReadOnlyList<DmarcOverrideReason> ReasonsFromJson(string? json) =>
        FromJsonArrays(json, 2, a => new DmarcOverrideReason(DmarcOverrideReason.TypeOf(a[0]), a[1]));

    /// <summary>The string arrays of <paramref name="length"/> non-null items in a JSON array of arrays, converted; empty for anything else.</summary>
    private static IReadOnlyList<T> FromJsonArrays<T>(string? json, int length, Func<string[], T> convert)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return [.. (JsonSerializer.Deserialize<List<string[]>>(json) ?? []).Where(a => a?.Length == length && a.All(x => x is not null)).Select(convert)];
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
