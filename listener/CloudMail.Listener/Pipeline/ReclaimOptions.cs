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

    /// <summary>How long a message the pipeline still holds (not routed yet, remote delivery pending) waits before it is examined again.</summary>
    public TimeSpan RecheckHeldAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The bounds of one pass.</summary>
    public ReclaimLimits Limits => new(BatchSize, RecheckHeldAfter);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (Interval <= TimeSpan.Zero) yield return $"{Section}:Interval must be positive";
        if (BatchSize is < 1 or > 10_000) yield return $"{Section}:BatchSize must be between 1 and 10000";
        if (RecheckHeldAfter <= TimeSpan.Zero) yield return $"{Section}:RecheckHeldAfter must be positive";
    }
}
