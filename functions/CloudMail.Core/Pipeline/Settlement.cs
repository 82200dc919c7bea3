namespace CloudMail.Core.Pipeline;

/// <summary>What happens to a queue message after a stage ran on its job: decided by <see cref="SettlementPolicy"/>.</summary>
public abstract record Settlement
{
    private Settlement() { }

    /// <summary>Done: remove the message.</summary>
    public sealed record Complete : Settlement;

    /// <summary>Try again after <paramref name="Delay"/>: retry number <paramref name="Number"/> (1 for the first).</summary>
    public sealed record Retry(TimeSpan Delay, int Number, string Reason) : Settlement;

    /// <summary>Never going to work: dead-letter with one of <see cref="DeadLetterReasons"/> and a description.</summary>
    public sealed record DeadLetter(string Reason, string Description) : Settlement;

    public static readonly Settlement Completed = new Complete();
}
