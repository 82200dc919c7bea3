using CloudMail.Core.Blobs;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Section <c>CloudMail:Reclaim</c>: how the embedded host deletes the bytes of messages no mailbox refers to any more
/// (<see cref="MessageReclaimService"/>, <see cref="MessageReclaimer"/>). A pass runs right after messages are removed
/// (EXPUNGE, POP3 QUIT, DELETE, user removal) and on an interval for what other processes removed.
/// </summary>
public sealed class ReclaimOptions
{
    public const string Section = "CloudMail:Reclaim";

    /// <summary>Longest time between passes when nothing wakes the service (removals by admin commands in another process).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Candidates examined per pass (1–10000); a full pass is followed by another at once.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Shortest time from the end of one pass to the start of the next woken one (0–1 minute): removals arriving meanwhile
    /// (a client expunging message after message) share one pass and one flush of the databases' logs instead of
    /// paying a checkpoint each, which under load stalls APPEND's blob writes. The bytes of an expunged message stay in the
    /// data folder at most this much longer.
    /// </summary>
    public TimeSpan MinSpacing { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a message the pipeline still holds (not routed yet, remote delivery pending) waits before it is examined again.</summary>
    public TimeSpan RecheckHeldAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The bounds of one pass.</summary>
    public ReclaimLimits Limits => new(BatchSize, RecheckHeldAfter);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (Interval <= TimeSpan.Zero) yield return $"{Section}:Interval must be positive";
        if (BatchSize is < 1 or > 10_000) yield return $"{Section}:BatchSize must be between 1 and 10000";
        if (MinSpacing < TimeSpan.Zero || MinSpacing > TimeSpan.FromMinutes(1)) yield return $"{Section}:MinSpacing must be between 0 and 1 minute";
        if (RecheckHeldAfter <= TimeSpan.Zero) yield return $"{Section}:RecheckHeldAfter must be positive";
    }
}
