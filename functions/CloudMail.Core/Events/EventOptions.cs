namespace CloudMail.Core.Events;

/// <summary>
/// Section <c>CloudMail:Events</c> (Functions app settings <c>CloudMail__Events__…</c>): webhook event delivery of both
/// hosts (<see cref="EventStage"/>), bound and validated at start. Retries of a failed POST follow the pipeline's
/// backoff (<see cref="Pipeline.PipelineOptions.RetryBaseDelay"/>, doubling up to RetryMaxDelay, MaxRetries).
/// </summary>
public sealed class EventOptions
{
    public const string Section = "CloudMail:Events";

    /// <summary>
    /// Largest message (bytes, 256 KiB by default) whose raw MIME a <c>message.received</c> payload carries (base64 in <c>raw</c>); a larger
    /// one gets only <c>rawSize</c>. Zero never includes it.
    /// </summary>
    public long MaxRawBytes { get; set; } = 262_144;

    /// <summary>How long one POST to a receiver may take, connection included; a timeout is retried like a 5xx.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest <c>Retry-After</c> of a receiver's 429 or 503 that is honoured; longer ones are cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxRawBytes is < 0 or > 64 * 1024 * 1024) yield return $"{Section}:MaxRawBytes must be between 0 and 67108864";
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5)) yield return $"{Section}:Timeout must be positive and at most 5 minutes";
        if (MaxRetryAfter < TimeSpan.Zero) yield return $"{Section}:MaxRetryAfter must not be negative";
    }
}
