using CloudMail.Core.Pipeline;
using CloudMail.Core.Storage;

namespace CloudMail.Functions;

/// <summary>
/// Section <c>CloudMail:Functions</c> (app settings <c>CloudMail__Functions__…</c>): every default and limit of the
/// Functions app's own behaviour, bound and validated at start. Queue and storage connections are not here but in the
/// connection settings (<c>CloudMailServiceBus</c>, <c>CloudMailStorage</c>); send API limits are <c>CloudMail:SendApi</c>.
/// </summary>
public sealed class FunctionsOptions
{
    public const string Section = "CloudMail:Functions";

    /// <summary>
    /// Scheduled retries of one job after transient failures before it is dead-lettered (backoff: <see cref="RetrySchedule"/>).
    /// Counted as the job's deliveries so far minus one (carried by the retry copies), so redeliveries after a crash or a
    /// lock expiry count too.
    /// </summary>
    public int MaxRetries { get; set; } = 10;

    /// <summary>How long an accepted message may stay unrouted before the stuck-intake sweep enqueues it again.</summary>
    public TimeSpan StuckIntakeAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Most intake markers one sweep examines (the sweep runs every 5 minutes). The inbound function removes a message's
    /// marker once it has routed it, so the sweep sees only stuck messages and leftovers (a failed removal, a marker
    /// rewritten by a requeue); this bounds the work of one run when many pile up, e.g. after an outage.
    /// </summary>
    public int StuckIntakeBatchSize { get; set; } = 500;

    /// <summary>Times the sweep enqueues one message again before it gives up and logs an error.</summary>
    public int StuckIntakeMaxRequeues { get; set; } = 3;

    /// <summary>
    /// Proxies in front of the Functions app whose <c>X-Forwarded-For</c> entries are skipped when finding the client
    /// address of a send API request: comma-separated IP addresses or CIDR prefixes (<c>10.0.0.0/8, 2001:db8::/32</c>).
    /// Empty: the rightmost entry, which Azure's front end appends, is the client; entries further left are
    /// client-controlled and never used.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary><see cref="TrustedProxies"/> parsed (empty when invalid; <see cref="Problems"/> reports that).</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxyNetworks =>
        Http.ForwardedFor.TryParseNetworks(TrustedProxies, out var networks, out _) ? networks : [];

    /// <summary>The sweep's bounds.</summary>
    public SweepLimits SweepLimits => new(StuckIntakeAfter, StuckIntakeBatchSize, StuckIntakeMaxRequeues);

    /// <summary>Reclaim candidates (blobs of expunged messages) one run of the five-minute reclaim timer examines.</summary>
    public int ReclaimBatchSize { get; set; } = 500;

    /// <summary>How long a message the pipeline still holds (not routed yet, remote delivery pending) waits before it is examined again.</summary>
    public TimeSpan ReclaimRecheckHeldAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The reclaim timer's bounds.</summary>
    public ReclaimLimits ReclaimLimits => new(ReclaimBatchSize, ReclaimRecheckHeldAfter);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxRetries is < 0 or > 100) yield return $"{Section}:MaxRetries must be between 0 and 100";
        if (StuckIntakeAfter < TimeSpan.FromMinutes(1)) yield return $"{Section}:StuckIntakeAfter must be at least one minute";
        if (StuckIntakeBatchSize is < 1 or > 10_000) yield return $"{Section}:StuckIntakeBatchSize must be between 1 and 10000";
        if (StuckIntakeMaxRequeues is < 0 or > 100) yield return $"{Section}:StuckIntakeMaxRequeues must be between 0 and 100";
        if (ReclaimBatchSize is < 1 or > 10_000) yield return $"{Section}:ReclaimBatchSize must be between 1 and 10000";
        if (ReclaimRecheckHeldAfter <= TimeSpan.Zero) yield return $"{Section}:ReclaimRecheckHeldAfter must be positive";
        if (!Http.ForwardedFor.TryParseNetworks(TrustedProxies, out _, out string? proxy)) yield return $"{Section}:TrustedProxies: {proxy}";
    }
}
