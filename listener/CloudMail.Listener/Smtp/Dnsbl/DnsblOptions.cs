namespace CloudMail.Listener.Smtp.Dnsbl;

/// <summary>
/// DNS blocklists consulted for clients of port 25 (section <c>CloudMail:Dnsbl</c>). Empty by default: a blocklist is a
/// choice of the operator (most have usage terms; Spamhaus refuses queries through public resolvers).
/// </summary>
public sealed class DnsblOptions
{
    public const string Section = "CloudMail:Dnsbl";

    /// <summary>Zones to query, e.g. <c>zen.spamhaus.org</c>; a client listed in any of them is refused at RCPT.</summary>
    public List<string> Zones { get; set; } = [];

    /// <summary>Longest wait for the answers; a zone that does not answer in time counts as not listing the client.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Problems()
    {
        if (Timeout <= TimeSpan.Zero) yield return $"{Section}:Timeout must be positive";
        foreach (string zone in Zones)
            if (string.IsNullOrWhiteSpace(zone) || zone.Contains(' ', StringComparison.Ordinal) || zone.StartsWith('.'))
                yield return $"{Section}:Zones holds an invalid zone '{zone}'";
    }
}
