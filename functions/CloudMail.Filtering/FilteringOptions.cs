namespace CloudMail.Filtering;

/// <summary>
/// Section <c>CloudMail:Filtering</c>: the checks of mail from unauthenticated clients (port 25). Bound and validated at start.
/// </summary>
public sealed class FilteringOptions
{
    public const string Section = "CloudMail:Filtering";

    /// <summary>
    /// Check SPF, DKIM, DMARC and ARC of port-25 mail and write the Authentication-Results header. Off by default until the
    /// rest of the filtering work lands: every check queries the resolvers of <c>CloudMail:Dns</c> during the SMTP session.
    /// </summary>
    public bool Enabled { get; set; } = false;

    /// <summary>The authserv-id of the Authentication-Results header (RFC 8601 §2.5); empty: this machine's host name.</summary>
    public string AuthServId { get; set; } = string.Empty;

    /// <summary>
    /// A copy of the Public Suffix List (https://publicsuffix.org/list/public_suffix_list.dat) for DMARC's organizational
    /// domain, read at start; empty: the full list shipped with the code (the list of 2023-02-09).
    /// </summary>
    public string PublicSuffixListPath { get; set; } = string.Empty;

    /// <summary>Refuse at the end of DATA (550 5.7.1) mail whose SPF fails and whose DMARC fails under an applied p=reject (RFC 7489 §6.6.4, §10.3).</summary>
    public bool RejectOnDmarcPolicy { get; set; } = true;

    /// <summary>
    /// File in the recipients' Junk mailbox mail that fails DMARC under an applied p=quarantine (RFC 7489 §6.3: "treat such
    /// mail as suspicious"), and mail failing p=reject that <see cref="RejectOnDmarcPolicy"/> does not refuse (its SPF did
    /// not fail too). Off: such mail is delivered to the inbox with the verdict in Authentication-Results.
    /// </summary>
    public bool QuarantineOnDmarcPolicy { get; set; } = true;

    /// <summary>
    /// Seal alias forwards to remote addresses with an ARC set (RFC 8617) signed with the forwarding domain's DKIM key,
    /// carrying these checks' verdicts (<see cref="Core.Dkim.ArcForwardSealer"/>). Only while <see cref="Enabled"/>.
    /// </summary>
    public bool SealForwards { get; set; } = true;

    /// <summary>
    /// Domains whose ARC seals are trusted (RFC 8617 §7.2): mail refused for SPF fail under DMARC p=reject is accepted
    /// instead when its ARC chain passes and the newest set was sealed (d=) by one of them, e.g. a mailing list or another
    /// CloudMail that forwards to this one. Its DMARC report row says <c>trusted_forwarder</c>. Empty: none.
    /// </summary>
    public string[] TrustedArcSealers { get; set; } = [];

    /// <summary>
    /// Longest the authentication checks of one message (SPF, DKIM, DMARC, ARC) may wait for DNS, all together: a lookup
    /// still unanswered then is a temporary DNS failure, so the checks it feeds end as temperror (RFC 7208 §4.6.4: a limit on
    /// check_host()'s elapsed time that allows at least 20 seconds) and the message goes on through the other filters. Keeps
    /// a resolver that stopped answering, or a sender's name servers that never answer, from holding each message until
    /// <c>CloudMail:Smtp:CommitTimeout</c> ends it with 451; keep it well under that.
    /// </summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The authserv-id in use: <see cref="AuthServId"/>, or the host name.</summary>
    public string EffectiveAuthServId() => AuthServId.Length > 0 ? AuthServId : CloudMail.Core.DnsSetup.MailHostName.Machine.ToLowerInvariant();

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (AuthServId.Any(c => char.IsWhiteSpace(c) || c is ';' or '(' or ')' or '"'))
            yield return $"{Section}:AuthServId must be a single token (RFC 8601 §2.2), not '{AuthServId}'";
        if (CheckTimeout <= TimeSpan.Zero) yield return $"{Section}:CheckTimeout must be positive";
        if (PublicSuffixListPath.Length > 0 && !File.Exists(PublicSuffixListPath))
            yield return $"{Section}:PublicSuffixListPath: '{PublicSuffixListPath}' does not exist";
    }
}
