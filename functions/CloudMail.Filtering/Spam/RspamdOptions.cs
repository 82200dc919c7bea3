namespace CloudMail.Filtering.Spam;

/// <summary>
/// The optional rspamd scorer (section <c>CloudMail:Spam:Rspamd</c>): its normal worker scores port-25 mail beside
/// CloudMail's own rules (<see cref="SpamVerdict"/> says how the two are merged), its controller learns the training
/// signals users give by filing mail into and out of Junk. Off while <see cref="Url"/> and <see cref="ControllerUrl"/> are
/// empty. rspamd being down never loses or delays mail beyond <see cref="Timeout"/>: the built-in verdict stands alone.
/// </summary>
public sealed class RspamdOptions
{
    public const string Section = "CloudMail:Spam:Rspamd";

    /// <summary>Base URL of rspamd's normal worker (port 11333 by default), e.g. <c>http://127.0.0.1:11333</c>; its <c>/checkv2</c> scores mail. Empty: no rspamd scoring.</summary>
    public string Url { get; set; } = "";

    /// <summary>Base URL of rspamd's controller (port 11334 by default); its <c>/learnspam</c> and <c>/learnham</c> learn the training signals. Empty: signals are only recorded.</summary>
    public string ControllerUrl { get; set; } = "";

    /// <summary>Sent as the <c>Password</c> header (the controller's <c>password</c>/<c>enable_password</c>); empty: none (rspamd's <c>secure_ip</c> hosts need none). Never logged.</summary>
    public string Password { get; set; } = "";

    /// <summary>Longest a check may take (connect, send, verdict); longer counts as rspamd unavailable. Keep it well under <c>CloudMail:Smtp:CommitTimeout</c>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a learn request may take; a slower one is retried later.</summary>
    public TimeSpan LearnTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Follow rspamd's action as well as the summed score: <c>reject</c> refuses the message (550 5.7.1), <c>add header</c>
    /// and <c>rewrite subject</c> file it in Junk. False: only the summed score against CloudMail's thresholds decides.
    /// </summary>
    public bool FollowActions { get; set; } = true;

    /// <summary>Largest message sent to rspamd, in octets (rspamd's own <c>max_message</c> is 50 MiB); larger ones get the built-in verdict only.</summary>
    public long MaxScanBytes { get; set; } = 25 * 1024 * 1024;

    public IEnumerable<string> Problems()
    {
        if (Url.Length > 0 && !IsHttpUrl(Url)) yield return $"{Section}:Url must be an absolute http:// or https:// URL";
        if (ControllerUrl.Length > 0 && !IsHttpUrl(ControllerUrl)) yield return $"{Section}:ControllerUrl must be an absolute http:// or https:// URL";
        if (Password.Any(char.IsControl)) yield return $"{Section}:Password must not contain control characters";
        if (Timeout <= TimeSpan.Zero) yield return $"{Section}:Timeout must be positive";
        if (LearnTimeout <= TimeSpan.Zero) yield return $"{Section}:LearnTimeout must be positive";
        if (MaxScanBytes <= 0) yield return $"{Section}:MaxScanBytes must be positive";
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
