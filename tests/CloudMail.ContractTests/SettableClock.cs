namespace CloudMail.ContractTests;

/// <summary>A clock a test sets: <see cref="Now"/> when set, the system's time until then.</summary>
public sealed class SettableClock : TimeProvider
{
    /// <summary>The time this clock tells; null for the system's.</summary>
    public DateTimeOffset? Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now ?? System.GetUtcNow();
}
