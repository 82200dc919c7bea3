using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using CloudMail.Core.Queue;

namespace CloudMail.Storage.Azure.Queue;

/// <summary>
/// The wire form of a <see cref="MailJob"/> on Service Bus, shared by <see cref="ServiceBusMailQueue"/> and the
/// Functions triggers so both read and write the same thing:
/// <list type="bullet">
/// <item>body: the job as JSON (System.Text.Json web defaults: camelCase), content type <c>application/json</c>;
/// a claim-check to the blob, never the message bytes;</item>
/// <item><c>MessageId</c> = the JobId, so the queue's duplicate detection drops a second enqueue of the same job
/// (a retry copy gets <c>{JobId}~r{n}</c>, or a hash for very long ids, since a copy must not be dropped);</item>
/// <item>application properties <see cref="PriorDeliveriesProperty"/> and <see cref="EnqueuedAtProperty"/>, which a
/// retry copy carries over so the job's delivery count and first enqueue time survive rescheduling.</item>
/// </list>
/// A retry copy's body is the job unchanged (same JobId); only MessageId and the properties say it is a copy, and
/// <see cref="DeliveryCount"/> is the one way to read how often the job has been tried.
/// </summary>
public static class ServiceBusJobMessages
{
    /// <summary>Deliveries of this job before the current Service Bus message existed (0 for a first enqueue).</summary>
    public const string PriorDeliveriesProperty = "cloudmail-prior-deliveries";

    /// <summary>When the job was first enqueued, Unix milliseconds.</summary>
    public const string EnqueuedAtProperty = "cloudmail-enqueued-at-ms";

    /// <summary>Why the job was rescheduled last (transient failure reason); informational.</summary>
    public const string RetryReasonProperty = "cloudmail-retry-reason";

    /// <summary>When the job was dead-lettered by CloudMail, Unix milliseconds.</summary>
    public const string DeadLetteredAtProperty = "cloudmail-dead-lettered-at-ms";

    /// <summary>Longest reason stored in message properties; longer ones are cut.</summary>
    public const int MaxReasonLength = 1024;

    /// <summary>Service Bus limit on MessageId.</summary>
    private const int MaxMessageIdLength = 128;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A message for the first enqueue of <paramref name="job"/>.</summary>
    public static ServiceBusMessage ForEnqueue(MailJob job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrEmpty(job.JobId);
        var message = new ServiceBusMessage(BinaryData.FromObjectAsJson(job, Json))
        {
            MessageId = MessageIdFor(job.JobId, retry: null),
            ContentType = "application/json",
            Subject = "mailjob",
        };
        message.ApplicationProperties[PriorDeliveriesProperty] = 0;
        message.ApplicationProperties[EnqueuedAtProperty] = now.ToUnixTimeMilliseconds();
        return message;
    }

    /// <summary>
    /// A copy of a received job message for redelivery at <paramref name="visibleAt"/>: the same body, the deliveries so
    /// far (<see cref="DeliveryCount"/> of <paramref name="received"/>) and the first enqueue time carried over, and
    /// MessageId <c>{jobId}~r{n}</c> with n = the deliveries before <paramref name="received"/> plus one. n depends only
    /// on the received message, not on how often it was delivered, so the copies sent for every delivery of one message
    /// share a MessageId and duplicate detection keeps one (a host that cannot complete and send in one transaction may
    /// send the copy, crash, and send it again on redelivery); and n grows from copy to copy, so a new copy is never
    /// mistaken for an old one.
    /// </summary>
    public static ServiceBusMessage ForRetry(ServiceBusReceivedMessage received, string jobId, DateTimeOffset visibleAt, string reason)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentNullException.ThrowIfNull(reason);
        var copy = new ServiceBusMessage(received.Body)
        {
            MessageId = MessageIdFor(jobId, PriorDeliveries(received) + 1),
            ContentType = received.ContentType,
            Subject = received.Subject,
            ScheduledEnqueueTime = visibleAt,
        };
        copy.ApplicationProperties[PriorDeliveriesProperty] = DeliveryCount(received);
        copy.ApplicationProperties[EnqueuedAtProperty] = EnqueuedAt(received).ToUnixTimeMilliseconds();
        copy.ApplicationProperties[RetryReasonProperty] = Truncate(reason);
        return copy;
    }

    /// <summary>The job in the body. Throws <see cref="JsonException"/> when the body is not a usable MailJob (poison).</summary>
    public static MailJob ReadJob(ServiceBusReceivedMessage received)
    {
        ArgumentNullException.ThrowIfNull(received);
        return TryReadJob(received.Body, out MailJob? job, out string? problem) ? job : throw new JsonException("The message body is not a MailJob: " + problem);
    }

    /// <summary>
    /// True with the job in <paramref name="body"/>, or false with a one-line reason fit for a dead-letter description.
    /// Checks what the pipeline stages rely on (ids, blob, envelope with recipients), so a malformed body is poison
    /// here rather than a failure inside a stage. Never throws for any body.
    /// </summary>
    public static bool TryReadJob(BinaryData body, [NotNullWhen(true)] out MailJob? job, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(body);
        job = null;
        MailJob? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<MailJob>(body.ToMemory().Span, Json);
        }
        catch (JsonException e)
        {
            problem = "body is not a MailJob JSON document: " + e.Message;
            return false;
        }
        problem = parsed is null ? "body is JSON null" : Check(parsed);
        if (problem is not null) return false;
        job = parsed!;
        return true;
    }

    /// <summary>1 on the job's first delivery; counts deliveries of earlier copies (retries) and lock expiries.</summary>
    public static int DeliveryCount(ServiceBusReceivedMessage received) => PriorDeliveries(received) + received.DeliveryCount;

    /// <summary>When the job was first enqueued (the copy's own enqueue time when the property is missing).</summary>
    public static DateTimeOffset EnqueuedAt(ServiceBusReceivedMessage received) =>
        received.ApplicationProperties.TryGetValue(EnqueuedAtProperty, out object? value) && value is not null
            ? DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture))
            : received.EnqueuedTime;

    /// <summary>Reasons are stored at most <see cref="MaxReasonLength"/> characters long.</summary>
    public static string Truncate(string reason) => reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength];

    /// <summary>
    /// MessageId of a job's first message (<paramref name="retry"/> null) or of its retry copy after
    /// <paramref name="retry"/> deliveries. Ids that would exceed 128 characters are replaced by a SHA-256, so
    /// duplicate detection still sees equal ids for equal jobs.
    /// </summary>
    public static string MessageIdFor(string jobId, int? retry)
    {
        string id = retry is null ? jobId : string.Create(CultureInfo.InvariantCulture, $"{jobId}~r{retry}");
        return id.Length <= MaxMessageIdLength ? id : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    // Deserialization leaves absent members null whatever the nullable annotations say.
    private static string? Check(MailJob job)
    {
        if (string.IsNullOrEmpty(job.JobId)) return "jobId is missing";
        if (string.IsNullOrEmpty(job.MessageId)) return "messageId is missing";
        if (job.Blob is null || string.IsNullOrEmpty(job.Blob.Id)) return "blob is missing";
        if (job.Envelope is null) return "envelope is missing";
        if (job.Envelope.Recipients is null || job.Envelope.Recipients.Count == 0) return "envelope has no recipients";
        if (job.Envelope.MailFrom is null) return "envelope.mailFrom is missing";
        if (job.Recipients is { Count: 0 }) return "recipients is empty";
        return null;
    }

    private static int PriorDeliveries(ServiceBusReceivedMessage received) =>
        received.ApplicationProperties.TryGetValue(PriorDeliveriesProperty, out object? value) && value is not null
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : 0;
}
