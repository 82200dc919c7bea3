namespace CloudMail.Filtering.Antivirus;

/// <summary>
/// Virus scanning with ClamAV's clamd (section <c>CloudMail:Antivirus</c>, shared with Core's quarantine settings,
/// <c>QuarantineOptions</c>). Off while <see cref="Clamd"/> is empty (a warning says so at start).
/// </summary>
public sealed class AntivirusOptions
{
    public const string Section = "CloudMail:Antivirus";

    /// <summary>Where clamd listens: <c>tcp://host:port</c> or <c>unix:/path/to/clamd.ctl</c>; empty = no scanning.</summary>
    public string Clamd { get; set; } = "";

    /// <summary>
    /// Largest message scanned, in octets. It must not exceed clamd's StreamMaxLength (100 MiB by default in
    /// ClamAV 1.4; Debian's packaged clamd.conf sets 25M), or clamd answers "size limit exceeded". Larger messages
    /// are handled by <see cref="DeferOversize"/>.
    /// </summary>
    public long MaxScanBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>
    /// What to do with a message larger than <see cref="MaxScanBytes"/>: false (default) accepts it unscanned and says
    /// so in its <c>X-Virus-Scanned</c> header; true defers it (451) like an unavailable scanner.
    /// </summary>
    public bool DeferOversize { get; set; }

    /// <summary>Longest a scan may take (connect, send, verdict); longer counts as the scanner being unavailable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When clamd is unreachable or fails in the SMTP session: false (default) answers 451 4.7.1 so the sending server
    /// retries later and nothing is delivered unscanned; true accepts the message (marked "not scanned" in its header) and
    /// the inbound stage scans it before delivery, quarantining a virus (its PipelineWhenUnavailable decides while clamd
    /// is still down).
    /// </summary>
    public bool AcceptWhenUnavailable { get; set; }

    public IEnumerable<string> Problems()
    {
        if (Clamd.Length > 0 && ClamdEndpoint.TryParse(Clamd) is null)
            yield return $"{Section}:Clamd must be tcp://host:port or unix:/path";
        if (MaxScanBytes <= 0) yield return $"{Section}:MaxScanBytes must be positive";
        if (Timeout <= TimeSpan.Zero) yield return $"{Section}:Timeout must be positive";
    }
}
