using System.Text.Json;
using System.Text.Json.Serialization;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// The <c>--json</c> form of a queued job (<c>cloudmail queue list|show --json</c>): camelCase names, enum values as
/// camelCase strings, times in ISO 8601 UTC, absent values as null. Scripts depend on it: add members, never rename.
/// </summary>
public sealed record QueueJobView(
    string Id,
    string Queue,
    string MessageId,
    QueuedJobState State,
    string Sender,
    IReadOnlyList<string> Recipients,
    int Attempts,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? NextAttemptAt,
    string? Reason,
    DateTimeOffset? DeadLetteredAt,
    IReadOnlyList<DeliveryView>? Deliveries = null)
{
    /// <summary>Options of every JSON output of the queue commands.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static QueueJobView From(QueuedJob job, IReadOnlyList<DeliveryRecord>? deliveries = null) => new(
        job.Job.JobId, job.Queue, job.Job.MessageId, job.State, job.Job.Envelope.MailFrom, job.Job.EffectiveRecipients,
        job.DeliveryCount, job.EnqueuedAt, job.NextAttemptAt, job.Reason, job.DeadLetteredAt,
        deliveries?.Select(d => new DeliveryView(d.Recipient, d.Status, d.Attempts, d.LastReply, d.UpdatedAt)).ToList());
}

/// <summary>One delivery-log record in <see cref="QueueJobView.Deliveries"/>.</summary>
public sealed record DeliveryView(string Recipient, DeliveryStatus Status, int Attempts, string? LastReply, DateTimeOffset UpdatedAt);
