using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using CloudMail.Core.Queue;

namespace CloudMail.Storage.Azure.Queueing;

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
    /// A copy of a received job message for redelivery at <paramref name="visibleAt"/>, carrying the deliveries so
    /// far (<paramref name="deliveriesSoFar"/>) and the first enqueue time.
    /// </summary>
    public static ServiceBusMessage ForRetry(ServiceBusReceivedMessage received, string jobId, int deliveriesSoFar, DateTimeOffset visibleAt, string reason)
    {
        ArgumentNullException.ThrowIfNull(received);
        var copy = new ServiceBusMessage(received.Body)
        {
            MessageId = MessageIdFor(jobId, deliveriesSoFar),
            ContentType = received.ContentType,
            Subject = received.Subject,
            ScheduledEnqueueTime = visibleAt,
        };
        copy.ApplicationProperties[PriorDeliveriesProperty] = deliveriesSoFar;
        copy.ApplicationProperties[EnqueuedAtProperty] = EnqueuedAt(received).ToUnixTimeMilliseconds();
        copy.ApplicationProperties[RetryReasonProperty] = Truncate(reason);
        return copy;
    }

    /// <summary>The job in the body. Throws <see cref="JsonException"/> when the body is not a MailJob (poison).</summary>
    public static MailJob ReadJob(ServiceBusReceivedMessage received)
    {
        ArgumentNullException.ThrowIfNull(received);
        MailJob? job = received.Body.ToObjectFromJson<MailJob>(Json);
        if (job is null || string.IsNullOrEmpty(job.JobId) || job.Blob is null || job.Envelope is null)
        {
            throw new JsonException("The message body is not a MailJob.");
        }
        return job;
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

    private static int PriorDeliveries(ServiceBusReceivedMessage received) =>
        received.ApplicationProperties.TryGetValue(PriorDeliveriesProperty, out object? value) && value is not null
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : 0;
}
