using System.Text;
using CloudMail.Filtering.Dkim;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Results;

/// <summary>Everything one message's authentication found, in the order the header lists it.</summary>
/// <param name="ArcSealers">The ARC-Seal fields' instance, d= and s= (RFC 8617 §4.1.3), in message order; null or empty without a chain.</param>
public sealed record AuthenticationReport(SpfOutcome Spf, string SpfIdentity, IReadOnlyList<DkimResult> Dkim, DmarcOutcome Dmarc, string Arc, string ArcReason,
    IReadOnlyList<ArcSealer>? ArcSealers = null)
{
    /// <summary><see cref="ArcSealers"/>, empty when null.</summary>
    public IReadOnlyList<ArcSealer> Sealers => ArcSealers ?? [];

    /// <summary>The sealer of the newest ARC set (highest instance), or null without a chain.</summary>
    public ArcSealer? NewestSealer => Sealers.MaxBy(s => s.Instance);

    /// <summary>
    /// The checks' time limit (<see cref="FilteringOptions.CheckTimeout"/>) when it ended a DNS wait, so that what waited is
    /// temperror; null when every lookup was answered in time.
    /// </summary>
    public TimeSpan? CutShortAfter { get; init; }
}

/// <summary>Who sealed one ARC set: its instance (i=, 0 when unreadable), signing domain (d=) and selector (s=).</summary>
public sealed record ArcSealer(int Instance, string Domain, string Selector);

/// <summary>
/// The Authentication-Results header field (RFC 8601 §2.2) CloudMail writes, and the recognition of a copy claiming
/// CloudMail's authserv-id that arrived with the message (§5: such a field is a forgery and is removed).
/// </summary>
public static class AuthenticationResults
{
    public const string FieldName = "Authentication-Results";

    /// <summary>The field, folded one method per line, ending in CRLF.</summary>
    public static string Format(string authServId, AuthenticationReport report)
    {
        var sb = new StringBuilder(FieldName).Append(": ").Append(authServId);
        void Method(string text) => sb.Append(";\r\n\t").Append(text);

        Method($"spf={report.Spf.Keyword} ({Comment(report.Spf.Reason)}) {Property(report.SpfIdentity)}");
        if (report.Dkim.Count == 0) Method("dkim=none");
        foreach (var d in report.Dkim)
        {
            string reason = d.Passed && !d.BodyLengthLimited ? string.Empty : $" reason={Quoted(d.Reason)}";
            Method($"dkim={d.Result}{reason} header.d={Value(d.Domain)} header.s={Value(d.Selector)}");
        }
        string policy = report.Dmarc.Requested is { } p ? $" ({Comment("p=" + p.ToString().ToLowerInvariant())})" : string.Empty;
        Method(report.Dmarc.FromDomain.Length == 0
            ? $"dmarc={report.Dmarc.Result}"
            : $"dmarc={report.Dmarc.Result}{policy} header.from={Value(report.Dmarc.FromDomain)}");
        Method($"arc={report.Arc}" + (report.Arc == "fail" ? $" reason={Quoted(report.ArcReason)}" : string.Empty));
        return sb.Append("\r\n").ToString();
    }

    /// <summary>True when <paramref name="field"/> (name, colon and value as received) is an Authentication-Results field with <paramref name="authServId"/>.</summary>
    public static bool Claims(string field, string authServId)
    {
        int colon = field.IndexOf(':');
        if (colon < 0 || !field[..colon].Trim().Equals(FieldName, StringComparison.OrdinalIgnoreCase)) return false;
        string value = StripComments(field[(colon + 1)..]).TrimStart();
        int end = 0;
        while (end < value.Length && !char.IsWhiteSpace(value[end]) && value[end] != ';') end++;
        return value[..end].Equals(authServId, StringComparison.OrdinalIgnoreCase);
    }

    private static string StripComments(string text)
    {
        var sb = new StringBuilder(text.Length);
        int depth = 0;
        foreach (char c in text)
        {
            if (c == '(') depth++;
            else if (c == ')' && depth > 0) depth--;
            else if (depth == 0) sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// <c>ptype.property=value</c> with the value as <see cref="Value"/> writes it: an SMTP identity comes from the client
    /// (a HELO address literal such as <c>[192.0.2.1]</c>, a quoted local part holding <c>;</c>), and written bare it would
    /// make the field unparsable or let the client's text read as further results (RFC 8601 §2.2 pvalue).
    /// </summary>
    private static string Property(string property)
    {
        int equals = property.IndexOf('=');
        return equals < 0 ? property : property[..(equals + 1)] + Value(property[(equals + 1)..]);
    }

    /// <summary>A value (RFC 8601 §2.2): bare when it is a plain domain, token or address; otherwise a quoted-string.</summary>
    private static string Value(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@' or '+') ? value : Quoted(value);

    /// <summary>
    /// A quoted-string (RFC 5322 §3.2.4): '"' and '\' escaped, control characters left out; UTF-8 kept (RFC 8616 §5,
    /// an internationalized address).
    /// </summary>
    private static string Quoted(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (char.IsControl(c)) continue;
            if (c is '"' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    private static string Comment(string value) => new(value.Where(c => c is >= ' ' and <= '~' and not '(' and not ')' and not '\\').ToArray());
}
