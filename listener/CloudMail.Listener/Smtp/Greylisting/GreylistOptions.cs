namespace CloudMail.Listener.Smtp.Greylisting;

/// <summary>
/// Greylisting on port 25 (section <c>CloudMail:Greylisting</c>), off by default. A first attempt of an unknown
/// (client network, sender, recipient) triplet gets a temporary failure; real mail servers retry, most spam software does
/// not. Defaults follow postgrey (Debian's greylisting policy server for Postfix).
/// </summary>
public sealed class GreylistOptions
{
    public const string Section = "CloudMail:Greylisting";

    public bool Enabled { get; set; }

    /// <summary>How long a new triplet must wait before a retry passes (postgrey --delay: 300 s).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after the first attempt a retry still counts (postgrey --retry-window: 2 days).</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a triplet that passed stays allowed without being seen again (postgrey --max-age: 35 days).</summary>
    public TimeSpan PassedLifetime { get; set; } = TimeSpan.FromDays(35);

    /// <summary>
    /// Triplets a client network must pass before all its mail passes at once (postgrey --auto-whitelist-clients: 5);
    /// 0 turns the client allow-list off.
    /// </summary>
    public int AutoAllowClientAfter { get; set; } = 5;

    /// <summary>
    /// Triplets and client networks remembered at most in embedded mode (in memory: the older half is forgotten when
    /// full). Azure mode keeps them in the shared <c>greylist</c> table, bounded by the sweep instead.
    /// </summary>
    public int MaxEntries { get; set; } = 200_000;

    /// <summary>Time between two removals of expired records (retry window or lifetime past).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Problems()
    {
        if (Delay < TimeSpan.Zero) yield return $"{Section}:Delay must not be negative";
        if (RetryWindow <= Delay) yield return $"{Section}:RetryWindow must be longer than Delay";
        if (PassedLifetime <= TimeSpan.Zero) yield return $"{Section}:PassedLifetime must be positive";
        if (AutoAllowClientAfter < 0) yield return $"{Section}:AutoAllowClientAfter must not be negative";
        if (MaxEntries < 100) yield return $"{Section}:MaxEntries must be at least 100";
        if (SweepInterval < TimeSpan.FromSeconds(1)) yield return $"{Section}:SweepInterval must be at least one second";
    }
}
