using CloudMail.Core.Intake;
namespace CloudMail.Core.Pipeline;

/// <summary>
/// Section <c>CloudMail:Pipeline</c> (Functions app settings <c>CloudMail__Pipeline__…</c>): the message pipeline of
/// both hosts, bound and validated at start. Settlement (<see cref="SettlementPolicy"/>: backoff and retry limit) and
/// the stuck-intake sweep apply to both; batch size, concurrency, lease and poll interval are the embedded host's queue
/// worker's (Service Bus and the Functions host decide those in Azure).
/// </summary>
public sealed class PipelineOptions
{
    public const string Section = "CloudMail:Pipeline";

    /// <summary>Backoff before the first retry of a job after a transient failure; each further retry doubles it (±10 % jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest backoff between two tries of one job.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Scheduled retries of one job after transient failures before it is dead-lettered. Counted as the job's deliveries
    /// so far minus one, so redeliveries after a crash, a lock or lease expiry count too.
    /// </summary>
    public int MaxRetries { get; set; } = 10;

    /// <summary>How long an accepted message may stay unrouted before the stuck-intake sweep enqueues it again.</summary>
    public TimeSpan StuckIntakeAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Most intake markers one sweep examines (the sweep runs every 5 minutes). The inbound stage removes a message's
    /// marker once it has routed it, so the sweep sees only stuck messages and leftovers (a failed removal, a marker
    /// rewritten by a requeue); this bounds the work of one run when many pile up, e.g. after an outage.
    /// </summary>
    public int StuckIntakeBatchSize { get; set; } = 500;

    /// <summary>Times the sweep enqueues one message again before it gives up and logs an error.</summary>
    public int StuckIntakeMaxRequeues { get; set; } = 3;

    /// <summary>
    /// How long after it was due an outbound job may stay unsettled (its ledger entry still there) before the
    /// stuck-outbound sweep enqueues it again. Must be longer than <c>CloudMail:Delivery:DeliveryTimeout</c> (1 hour), the
    /// longest one delivery may run (checked at start): a job still delivering would otherwise be queued twice.
    /// </summary>
    public TimeSpan StuckOutboundAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Most outbound ledger entries one sweep examines (the sweep runs every 5 minutes).</summary>
    public int StuckOutboundBatchSize { get; set; } = 500;

    /// <summary>Times the sweep enqueues one outbound job again before it gives up and logs an error.</summary>
    public int StuckOutboundMaxRequeues { get; set; } = 3;

    /// <summary>Embedded host: jobs leased per round trip to the queue.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// Embedded host: jobs processed at the same time. As many as a batch by default: their mailbox, delivery-log and
    /// queue writes then share group commits (one fsync for many jobs), which is what keeps delivery up with SMTP
    /// acceptance; with 4, every few jobs paid their own fsyncs and delivery fell behind.
    /// </summary>
    public int Concurrency { get; set; } = 64;

    /// <summary>
    /// Embedded host: how long a leased job stays invisible to other workers. A running job renews its lease every third of
    /// this, however long it runs (a slow remote server); a crash makes its jobs reappear after this at the latest.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Embedded host: how often an idle worker polls when nobody pulses it (delayed retries become visible on their own).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The sweep's bounds.</summary>
    public SweepLimits SweepLimits => new(StuckIntakeAfter, StuckIntakeBatchSize, StuckIntakeMaxRequeues);

    /// <summary>The stuck-outbound sweep's bounds.</summary>
    public SweepLimits OutboundSweepLimits => new(StuckOutboundAfter, StuckOutboundBatchSize, StuckOutboundMaxRequeues);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (RetryBaseDelay <= TimeSpan.Zero) yield return $"{Section}:RetryBaseDelay must be positive";
        if (RetryMaxDelay < RetryBaseDelay) yield return $"{Section}:RetryMaxDelay must be at least RetryBaseDelay";
        if (MaxRetries is < 0 or > 100) yield return $"{Section}:MaxRetries must be between 0 and 100";
        if (StuckIntakeAfter < TimeSpan.FromMinutes(1)) yield return $"{Section}:StuckIntakeAfter must be at least one minute";
        if (StuckIntakeBatchSize is < 1 or > 10_000) yield return $"{Section}:StuckIntakeBatchSize must be between 1 and 10000";
        if (StuckIntakeMaxRequeues is < 0 or > 100) yield return $"{Section}:StuckIntakeMaxRequeues must be between 0 and 100";
        if (StuckOutboundAfter < TimeSpan.FromMinutes(1)) yield return $"{Section}:StuckOutboundAfter must be at least one minute";
        if (StuckOutboundBatchSize is < 1 or > 10_000) yield return $"{Section}:StuckOutboundBatchSize must be between 1 and 10000";
        if (StuckOutboundMaxRequeues is < 0 or > 100) yield return $"{Section}:StuckOutboundMaxRequeues must be between 0 and 100";
        if (BatchSize < 1) yield return $"{Section}:BatchSize must be positive";
        if (Concurrency < 1) yield return $"{Section}:Concurrency must be positive";
        if (LeaseDuration <= TimeSpan.Zero) yield return $"{Section}:LeaseDuration must be positive";
        if (PollInterval <= TimeSpan.Zero) yield return $"{Section}:PollInterval must be positive";
    }
}
