namespace CloudMail.Listener.Pipeline;

/// <summary>Section <c>CloudMail:Pipeline</c>: the embedded host's in-process queue worker.</summary>
public sealed class PipelineOptions
{
    public const string Section = "CloudMail:Pipeline";

    /// <summary>Jobs leased per round trip to the queue.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// Jobs processed at the same time. As many as a batch by default: their mailbox, delivery-log and queue
    /// writes then share group commits (one fsync for many jobs), which is what keeps delivery up with SMTP
    /// acceptance; with 4, every few jobs paid their own fsyncs and delivery fell behind.
    /// </summary>
    public int Concurrency { get; set; } = 64;

    /// <summary>How long a leased job stays invisible to other workers; a crash makes it reappear after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker polls when nobody pulses it (delayed retries become visible on their own).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries of one job before it is dead-lettered as poison.</summary>
    public int MaxDeliveryCount { get; set; } = 10;
}
