using System.Text.Json.Serialization;
using CloudMail.Core.Messages;
using CloudMail.Core.Blobs;

namespace CloudMail.Core.Queue;

/// <summary>
/// A unit of pipeline work: a claim-check to the blob plus the envelope. Never carries the body.
/// </summary>
/// <param name="JobId">Duplicate-detection key (Service Bus MessageId): enqueueing the same id twice yields one job.</param>
/// <param name="MessageId">Internal message id; also the blob id.</param>
/// <param name="Blob">Where the raw MIME is.</param>
/// <param name="Envelope">Envelope as accepted.</param>
/// <param name="Recipients">For delivery jobs, the subset of recipients this job is for; null means the envelope's.</param>
/// <param name="OutboundAttempt">
/// Outbound jobs: which try this job is (0 for the first, queued by the inbound stage; n for the n-th retry, JobId
/// <c>{messageId}:outbound:{n}</c>), so the retry schedule survives every redelivery. 0 elsewhere.
/// </param>
/// <param name="DelayNoticeSent">Outbound jobs: the delay DSN of this message was already due (sent, or not wanted).</param>
/// <param name="LedgeredAt">
/// Outbound jobs in a host with an outbound ledger: the time of the job's <see cref="OutboundLedgerEntry"/> (when it
/// was due), so the stage that settles the job can name the entry to remove from the job alone. Null elsewhere.
/// </param>
/// <param name="TraceParent">
/// The W3C trace context (<c>traceparent</c>) of the span that queued the job, so the stage that runs it continues the
/// same trace in another process (<see cref="Telemetry.CloudMailTelemetry"/>). Null when no trace was recorded.
/// </param>
/// <param name="QuotaRetry">
/// Inbound jobs that retry local deliveries deferred because a mailbox was full (<see cref="Quotas.OverQuotaDeliveryPolicy"/>,
/// JobId <c>{messageId}:quota:{n}</c>): which retry this is (1 for the first). Such a job only appends to local mailboxes;
/// its forwards were handled by the first run. 0 elsewhere.
/// </param>
/// <param name="Event">
/// Event jobs (queue <see cref="QueueNames.Events"/>): <c>{event wire name}|{subscription id}</c>
/// (<see cref="Events.EventJobs"/>). Null elsewhere.
/// </param>
/// <param name="ForwardedBy">
/// Outbound jobs of alias forwards (<c>{messageId}:forward</c> and their retries): the local domain the message is
/// forwarded out of, whose DKIM key seals it with ARC (<see cref="Delivery.IForwardSealer"/>). Null elsewhere.
/// </param>
public sealed record MailJob(string JobId, string MessageId, BlobRef Blob, Envelope Envelope, IReadOnlyList<string>? Recipients = null,
    int OutboundAttempt = 0, bool DelayNoticeSent = false, DateTimeOffset? LedgeredAt = null, string? TraceParent = null, int QuotaRetry = 0,
    string? Event = null, string? ForwardedBy = null)
{
    [JsonIgnore]
    public IReadOnlyList<string> EffectiveRecipients => Recipients ?? Envelope.Recipients;
}

/// <summary>A job handed to one worker for a limited time.</summary>
/// <param name="LeaseToken">Opaque; identifies this lease when settling.</param>
/// <param name="DeliveryCount">1 on the first lease, incremented on every redelivery (after retry or expired lease).</param>
public sealed record LeasedJob(MailJob Job, string LeaseToken, int DeliveryCount, DateTimeOffset EnqueuedAt);

/// <summary>A job moved aside after permanent failure or too many deliveries.</summary>
/// <param name="EnqueuedAt">When the job was first enqueued, where the queue tells (the embedded queue does).</param>
public sealed record DeadLetteredJob(MailJob Job, string Reason, int DeliveryCount, DateTimeOffset DeadLetteredAt, DateTimeOffset? EnqueuedAt = null);

/// <summary>Names of the pipeline queues. Infra (Bicep) declares queues with these exact names.</summary>
public static class QueueNames
{
    /// <summary>Accepted messages waiting for filtering and routing.</summary>
    public const string Inbound = "inbound";

    /// <summary>Messages for remote recipients waiting for outbound SMTP delivery.</summary>
    public const string Outbound = "outbound";

    /// <summary>Mail events waiting to be POSTed to webhook subscribers (<see cref="Events.EventStage"/>).</summary>
    public const string Events = "events";

    public static readonly IReadOnlyList<string> All = [Inbound, Outbound, Events];
}
