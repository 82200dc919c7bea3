using CloudMail.Core.Reporting;

namespace CloudMail.Core.TlsReporting;

/// <summary>
/// A domain's TLS reporting policy, the TXT record at <c>_smtp._tls.DOMAIN</c> (RFC 8460 §3):
/// <c>v=TLSRPTv1; rua=mailto:reports@example.com,https://reports.example.com/tlsrpt</c>. Pure; never throws on bad input.
/// </summary>
/// <param name="MailtoAddresses">The <c>mailto:</c> destinations' addresses, in order, without duplicates.</param>
/// <param name="HttpsUris">The <c>https:</c> destinations (RFC 8460 §5.4; not used by CloudMail, which reports by mail only).</param>
public sealed record TlsRptRecord(IReadOnlyList<string> MailtoAddresses, IReadOnlyList<Uri> HttpsUris)
{
    /// <summary>The version tag every record starts with (§3, case-sensitive).</summary>
    public const string Version = "v=TLSRPTv1";

    /// <summary>
    /// The policy among the TXT records found (each record's strings already joined): those not starting with
    /// <c>v=TLSRPTv1</c> are discarded, and unless exactly one is left the domain has no policy (§3). Null when none.
    /// </summary>
    public static TlsRptRecord? Select(IEnumerable<string> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var candidates = records.Where(r => r is not null && StartsWithVersion(r)).Take(2).ToList();
        return candidates.Count == 1 ? Parse(candidates[0]) : null;
    }

    /// <summary>
    /// Parses one record (§3 grammar): <c>v=TLSRPTv1</c>, then fields separated by <c>;</c> with optional white space,
    /// a trailing <c>;</c> allowed; exactly one <c>rua</c> field of comma-separated URIs; unknown fields ignored (§3
    /// <c>tlsrpt-extension</c>). Null when the version, the rua field or every URI in it is missing or malformed.
    /// </summary>
    public static TlsRptRecord? Parse(string? text)
    {
        if (text is null || !StartsWithVersion(text)) return null;
        string? rua = null;
        foreach (string field in text[Version.Length..].Split(';'))
        {
            string f = field.Trim(' ', '\t');
            if (f.Length == 0) continue;
            int eq = f.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) return null;
            if (f[..eq] != "rua") continue;
            if (rua is not null) return null;
            rua = f[(eq + 1)..];
        }
        if (rua is null) return null;
        var mailto = new List<string>();
        var https = new List<Uri>();
        foreach (string raw in rua.Split(','))
        {
            string uri = raw.Trim(' ', '\t');
            if (uri.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                if (MailtoAddress.Parse(uri["mailto:".Length..]) is { } address && !mailto.Contains(address, StringComparer.OrdinalIgnoreCase))
                    mailto.Add(address);
            }
            else if (uri.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
                     && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttps)
            {
                https.Add(parsed);
            }
        }
        return mailto.Count + https.Count == 0 ? null : new TlsRptRecord(mailto, https);
    }

    /// <summary>§3: after the version comes a field delimiter (optional white space, then ';').</summary>
    private static bool StartsWithVersion(string text)
    {
        if (!text.StartsWith(Version, StringComparison.Ordinal)) return false;
        string rest = text[Version.Length..].TrimStart(' ', '\t');
        return rest.StartsWith(';');
    }
}

/// <summary>Looks up a domain's <see cref="TlsRptRecord"/> (implemented with DNS in <c>CloudMail.Delivery</c>).</summary>
public interface ITlsRptRecordLookup
{
    /// <summary>The domain's policy, none, or a temporary failure (try again later). Never throws for DNS trouble.</summary>
    Task<TlsRptLookup> LookupAsync(string domain, CancellationToken cancellationToken);
}

/// <summary>What a lookup found.</summary>
/// <param name="Record">The policy, or null when the domain has none.</param>
/// <param name="TemporaryFailure">The resolver failed: the domain may well have one.</param>
public sealed record TlsRptLookup(TlsRptRecord? Record, bool TemporaryFailure = false);
