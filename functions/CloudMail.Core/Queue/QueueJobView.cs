using System.Text.Json;
using System.Text.Json.Serialization;
using CloudMail.Core.DeliveryLog;

namespace CloudMail.Core.Queue;

/// <summary>
/// The JSON form of a queued job (<c>cloudmail queue list|show --json</c> and the admin API's queue resource): camelCase names, enum values as
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

    /// <summary>The view of <paramref name="job"/>, with its message's delivery-log records when given.</summary>
    public static QueueJobView From(QueuedJob job, IReadOnlyList<DeliveryRecord>? deliveries = null) => new(
        job.Job.JobId, job.Queue, job.Job.MessageId, job.State, job.Job.Envelope.MailFrom, job.Job.EffectiveRecipients,
        job.DeliveryCount, job.EnqueuedAt, job.NextAttemptAt, job.Reason, job.DeadLetteredAt,
        deliveries?.Select(DeliveryView.From).ToList());
}

/// <summary>One delivery-log record in <see cref="QueueJobView.Deliveries"/>.</summary>
public sealed record DeliveryView(string Recipient, DeliveryStatus Status, int Attempts, string? LastReply, DateTimeOffset UpdatedAt)
{
    public static DeliveryView From(DeliveryRecord d) => new(d.Recipient, d.Status, d.Attempts, d.LastReply, d.UpdatedAt);
}
