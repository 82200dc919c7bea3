namespace CloudMail.Core.Quarantine;

/// <summary>
/// What the pipeline does with messages scanned after they were accepted (section <c>CloudMail:Antivirus</c>, which it
/// shares with CloudMail.Filtering's scanner settings): whom it tells of a quarantined message, and what it does while
/// the scanner is unavailable.
/// </summary>
public sealed class QuarantineOptions
{
    public const string Section = "CloudMail:Antivirus";

    /// <summary><see cref="NotifyAdmin"/> value: the postmaster of the local domain(s) concerned.</summary>
    public const string Postmaster = "postmaster";

    /// <summary><see cref="NotifyAdmin"/> value: nobody.</summary>
    public const string Nobody = "none";

    /// <summary>
    /// Who is told that a message was quarantined (a short notice with the message id, envelope, signature and the
    /// commands to release or delete it; never the content): <c>postmaster</c> (default: <c>postmaster@</c> the sender's
    /// domain for mail of our own users and the send API, else each recipient domain), <c>none</c>, or one address.
    /// </summary>
    public string NotifyAdmin { get; set; } = Postmaster;

    /// <summary>
    /// While the scanner is unavailable, messages the pipeline must scan: <see cref="UnavailablePolicy.Retry"/> (default)
    /// retries the job later with the pipeline's backoff and never delivers it unscanned;
    /// <see cref="UnavailablePolicy.DeliverUnscanned"/> delivers it, marked "not scanned" in the delivery log.
    /// </summary>
    public UnavailablePolicy PipelineWhenUnavailable { get; set; } = UnavailablePolicy.Retry;

    /// <summary>
    /// Azure mode: take the verdict of Microsoft Defender for Storage's on-upload malware scanning of the message blob
    /// (its blob index tag <c>Malware Scanning scan result</c>) instead of scanning in the pipeline: every inbound message
    /// waits for it before routing ("Malicious" → quarantined; no verdict yet → as the scanner being unavailable, see
    /// <see cref="PipelineWhenUnavailable"/>). Needs Defender's malware scanning on the data account (Bicep
    /// <c>defenderMalwareScanning</c>). Refused at start by the embedded backend, which has no such scanner.
    /// </summary>
    public bool DefenderForStorage { get; set; }

    /// <summary>Least time before a job whose scan found the scanner unavailable is tried again (the pipeline's backoff may add more).</summary>
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The configured problems, for validation at start.</summary>
    public IEnumerable<string> Problems()
    {
        string notify = NotifyAdmin.Trim();
        if (notify.Length == 0 || (!notify.Equals(Postmaster, StringComparison.OrdinalIgnoreCase) && !notify.Equals(Nobody, StringComparison.OrdinalIgnoreCase)
            && !Messages.MailAddresses.IsPlausible(notify)))
            yield return $"{Section}:NotifyAdmin must be '{Postmaster}', '{Nobody}' or an address";
        if (UnavailableRetryAfter <= TimeSpan.Zero) yield return $"{Section}:UnavailableRetryAfter must be positive";
    }
}

/// <summary>What the pipeline does with a message it must scan while the scanner is unavailable.</summary>
public enum UnavailablePolicy
{
    /// <summary>Retry later (transient failure, scheduled retry); never deliver unscanned.</summary>
    Retry,

    /// <summary>Deliver it unscanned (the delivery log says so).</summary>
    DeliverUnscanned,
}
