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

    /// <summary>The optional rspamd scorer and learner (<c>CloudMail:Spam:Rspamd</c>).</summary>
    public RspamdOptions Rspamd { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (JunkThreshold <= 0) yield return $"{Section}:JunkThreshold must be positive";
        if (RejectThreshold <= JunkThreshold) yield return $"{Section}:RejectThreshold must be above JunkThreshold";
        foreach (string problem in Rspamd.Problems()) yield return problem;
    }
}
