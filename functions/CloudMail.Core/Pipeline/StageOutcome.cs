namespace CloudMail.Core.Pipeline;

/// <summary>What the queue must do with a job after a stage ran (convention 7: classify every failure).</summary>
public abstract record StageOutcome
{
    private StageOutcome() { }

    /// <summary>Done; remove the job.</summary>
    public sealed record Completed : StageOutcome;

    /// <summary>Try again after <paramref name="RetryAfter"/> (storage unavailable, remote 4xx).</summary>
    public sealed record Transient(TimeSpan RetryAfter, string Reason) : StageOutcome;

    /// <summary>Will never succeed (unreadable job, missing blob); dead-letter with the reason.</summary>
    public sealed record Permanent(string Reason) : StageOutcome;

    public static readonly StageOutcome Done = new Completed();
}
