namespace CloudMail.Filtering.Spam;

/// <summary>
/// One DNS blocklist the spam rules consult (<c>CloudMail:Spam:IpBlocklists</c> for the client address,
/// <c>CloudMail:Spam:UriBlocklists</c> for the sites the message links to): its zone and the weight a listing adds.
/// </summary>
public sealed class SpamBlocklist
{
    /// <summary>The zone, e.g. <c>zen.spamhaus.org</c> or <c>dbl.spamhaus.org</c>.</summary>
    public string Zone { get; set; } = string.Empty;

    /// <summary>Weight added when the zone lists the client or one of the linked sites (SpamAssassin's blocklist rules weigh 1 to 3.5).</summary>
    public double Score { get; set; } = 3.0;

    /// <summary>The rule name of a listing, e.g. <c>RCVD_IN_ZEN_SPAMHAUS_ORG</c> for <paramref name="prefix"/> <c>RCVD_IN_</c>.</summary>
    public string RuleName(string prefix) =>
        prefix + string.Concat(Zone.TrimEnd('.').Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_'));

    /// <summary>Problems with the values, each naming <paramref name="key"/>; empty when valid.</summary>
    public IEnumerable<string> Problems(string key)
    {
        if (Zone.Length == 0 || Zone.StartsWith('.') || Zone.Any(c => char.IsWhiteSpace(c) || c is ';' or ',' or '(' or ')'))
            yield return $"{key}:Zone '{Zone}' is not a DNS zone";
        if (Score <= 0 || double.IsNaN(Score) || double.IsInfinity(Score)) yield return $"{key}:Score must be positive";
    }
}
