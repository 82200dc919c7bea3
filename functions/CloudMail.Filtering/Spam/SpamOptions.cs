namespace CloudMail.Filtering.Spam;

/// <summary>
/// Spam scoring of mail from other servers (section <c>CloudMail:Spam</c>): CloudMail's own rules (<see cref="SpamRules"/>),
/// their weights summed, plus rspamd's score when <see cref="RspamdOptions.Url"/> is set. Off by default, like the other inbound checks, because switching any of them on makes every
/// port-25 message take one more write (the checked copy with the verdict headers).
/// </summary>
public sealed class SpamOptions
{
    public const string Section = "CloudMail:Spam";

    public bool Enabled { get; set; }

    /// <summary>Score from which a message is filed in Junk (SpamAssassin's required_score, 5.0).</summary>
    public double JunkThreshold { get; set; } = 5.0;

    /// <summary>Score from which a message is refused in the session with 550 5.7.1 (never bounced later).</summary>
    public double RejectThreshold { get; set; } = 15.0;

    /// <summary>
    /// DNS blocklists of client addresses that add their <see cref="SpamBlocklist.Score"/> when they list the client
    /// (rule <c>RCVD_IN_ZONE</c>), e.g. a policy list that should junk rather than refuse. Zones that should refuse at RCPT
    /// belong in <c>CloudMail:Dnsbl:Zones</c>. Empty by default (blocklists have usage terms).
    /// </summary>
    public List<SpamBlocklist> IpBlocklists { get; set; } = [];

    /// <summary>
    /// URI (domain) blocklists, e.g. <c>dbl.spamhaus.org</c> or <c>multi.surbl.org</c>, asked about the registrable domain
    /// of every site the message links to (rule <c>URIBL_ZONE</c>). Empty by default.
    /// </summary>
    public List<SpamBlocklist> UriBlocklists { get; set; } = [];

    /// <summary>At most this many distinct linked sites are asked about per message (SpamAssassin asks about 20).</summary>
    public int MaxUriLookups { get; set; } = 20;

    /// <summary>Longest wait for the blocklist answers of one message; a zone that has not answered lists nothing.</summary>
    public TimeSpan BlocklistTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The optional rspamd scorer and learner (<c>CloudMail:Spam:Rspamd</c>).</summary>
    public RspamdOptions Rspamd { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (JunkThreshold <= 0) yield return $"{Section}:JunkThreshold must be positive";
        if (RejectThreshold <= JunkThreshold) yield return $"{Section}:RejectThreshold must be above JunkThreshold";
        if (MaxUriLookups is < 1 or > 100) yield return $"{Section}:MaxUriLookups must be between 1 and 100";
        if (BlocklistTimeout <= TimeSpan.Zero) yield return $"{Section}:BlocklistTimeout must be positive";
        for (int i = 0; i < IpBlocklists.Count; i++)
            foreach (string problem in IpBlocklists[i].Problems($"{Section}:IpBlocklists:{i}")) yield return problem;
        for (int i = 0; i < UriBlocklists.Count; i++)
            foreach (string problem in UriBlocklists[i].Problems($"{Section}:UriBlocklists:{i}")) yield return problem;
        foreach (string problem in Rspamd.Problems()) yield return problem;
    }
}
