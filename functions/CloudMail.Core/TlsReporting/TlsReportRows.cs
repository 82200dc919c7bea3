using System.Text.Json;

namespace CloudMail.Core.TlsReporting;

/// <summary>Helpers both storage backends use to store and read back report rows the same way.</summary>
public static class TlsReportRows
{
    /// <summary>Failure details in the order <see cref="TlsPolicyTally.Details"/> promises: result type, then MX host, addresses, code.</summary>
    public static IReadOnlyList<TlsFailureCount> Sort(IEnumerable<TlsFailureCount> details)
    {
        ArgumentNullException.ThrowIfNull(details);
        return [.. details.OrderBy(d => d.Detail.ResultType, StringComparer.Ordinal)
            .ThenBy(d => d.Detail.ReceivingMxHostname, StringComparer.Ordinal)
            .ThenBy(d => d.Detail.ReceivingIp, StringComparer.Ordinal)
            .ThenBy(d => d.Detail.SendingMtaIp, StringComparer.Ordinal)
            .ThenBy(d => d.Detail.FailureReasonCode, StringComparer.Ordinal)];
    }

    /// <summary>A string list as a JSON array.</summary>
    public static string ToJson(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    /// <summary>A JSON array of strings back as a list; empty for anything else (never throws).</summary>
    public static IReadOnlyList<string> FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The policy type named <paramref name="name"/>; no-policy-found for anything unknown.</summary>
    public static TlsPolicyType Type(string? name) => TlsPolicyTypes.TryParse(name, out var type) ? type : TlsPolicyType.NoPolicyFound;
}
