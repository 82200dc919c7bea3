using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Events;

/// <summary>
/// The event stage of both hosts (queue <see cref="QueueNames.Events"/>): POSTs one event job
/// (<see cref="MailEventPublisher"/>) to its subscription's URL through <see cref="IWebhookPoster"/>, the body built by
/// <see cref="WebhookPayload"/> and signed by <see cref="WebhookSignature"/>, with the headers <c>CloudMail-Event</c>
/// (wire name), <c>CloudMail-Delivery</c> (event id, the same on every retry) and <c>CloudMail-Signature</c>.
/// What the receiver answered decides:
/// <list type="bullet">
/// <item>2xx → done; 410 Gone → done, and the subscription is removed: the receiver says it is gone for good, and a
/// subscriber that answers Gone asks to be unsubscribed (the REST Hooks convention); later events for it are dropped as
/// for any removed subscription;</item>
/// <item>408, 429, 5xx, a timeout or no connection → <see cref="StageOutcome.Transient"/>: retried with the pipeline's
/// growing backoff (<see cref="SettlementPolicy"/>), or after the receiver's Retry-After when longer
/// (at most <see cref="EventOptions.MaxRetryAfter"/>), and dead-lettered once the retries are spent;</item>
/// <item>any other answer (other 4xx, 3xx: redirects are not followed) → <see cref="StageOutcome.Permanent"/>, dead-lettered with the status.</item>
/// </list>
/// A subscription removed meanwhile makes the job done. Without a poster (none registered: a host that never called
/// <c>AddCloudMailDelivery()</c>) every event is retried with <see cref="NoPosterReason"/>, as the outbound stage
/// keeps mail without a transport. Each attempt is logged (event id, type, subscription, URL
/// without its query, status), never the secret or the body. Storage failures propagate for the runner to retry.
/// <para>
/// Jobs of the reserved Event Grid target (<see cref="EventGridEvents.TargetId"/>) are published instead as one CloudEvent
/// through <see cref="IEventGridSender"/>: type <see cref="EventGridEvents.TypeName"/>, subject
/// <see cref="EventGridEvents.Subject"/>, data = the same body as a webhook's (raw MIME only up to
/// <see cref="EventOptions.MaxRawBytes"/> and never above <see cref="EventGridMaxRawBytes"/>, as Event Grid takes events
/// of at most 1 MB), the topic's answer classified by <see cref="Classify"/> like a receiver's. Without a sender (the
/// setting was removed while jobs were queued) such a job is done and logged.
/// </para>
/// </summary>
public sealed partial class EventStage(
    IWebhookStore store,
    IMessageBlobStore blobs,
    IDeliveryLog deliveryLog,
    IOptions<EventOptions> options,
    TimeProvider time,
    ILogger<EventStage> logger,
    IWebhookPoster? poster = null,
    IEventGridSender? eventGrid = null) : IPipelineStage
{
    /// <summary>Largest raw MIME an Event Grid event carries (base64 grows it by a third; an event may be at most 1 MB).</summary>
    public const long EventGridMaxRawBytes = 524_288;

    /// <summary>Header naming the event type (<see cref="MailEventTypes.WireName"/>).</summary>
    public const string EventHeader = "CloudMail-Event";

    /// <summary>Header carrying the event id (<see cref="EventJobs.EventId"/>).</summary>
    public const string DeliveryHeader = "CloudMail-Delivery";

    /// <summary>The retry reason while no <see cref="IWebhookPoster"/> is registered.</summary>
    public const string NoPosterReason = "webhook posting is not available on this server (no IWebhookPoster registered)";

    public string QueueName => QueueNames.Events;

    public async Task<StageOutcome> RunAsync(MailJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!EventJobs.TryParse(job.Event, out MailEventType type, out string subscriptionId))
            return new StageOutcome.Permanent($"job {job.JobId} is not an event job (Event = '{job.Event}')");
        if (EventGridEvents.TryParseTarget(subscriptionId, out string domain))
            return await PublishToEventGridAsync(job, type, domain, cancellationToken).ConfigureAwait(false);
        WebhookSubscription? subscription = await store.GetAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        if (subscription is null)
        {
            LogSubscriptionGone(job.MessageId, subscriptionId);
            return StageOutcome.Done;
        }
        if (!Uri.TryCreate(subscription.Url, UriKind.Absolute, out Uri? url))
            return new StageOutcome.Permanent($"webhook {subscriptionId} has no usable URL");

        string eventId = EventJobs.EventId(job.JobId);
        byte[] body = await BodyAsync(job, type, eventId, options.Value.MaxRawBytes, cancellationToken).ConfigureAwait(false);
        var request = new WebhookRequest(url, [
            new(EventHeader, MailEventTypes.WireName(type)),
            new(DeliveryHeader, eventId),
            new(WebhookSignature.HeaderName, WebhookSignature.Sign(subscription.Secret, time.GetUtcNow(), body)),
        ], body);
        if (poster is null) return new StageOutcome.Transient(TimeSpan.Zero, NoPosterReason);
        WebhookResponse response = await poster.PostAsync(request, cancellationToken).ConfigureAwait(false);
        string target = url.GetLeftPart(UriPartial.Path);
        StageOutcome outcome = Classify(response, options.Value.MaxRetryAfter);
        switch (response)
        {
            case WebhookResponse.Answered { Status: 410 }:
                await store.RemoveAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
                LogReceiverGone(eventId, MailEventTypes.WireName(type), subscriptionId, target);
                break;
            case WebhookResponse.Answered answered:
                LogAnswered(eventId, MailEventTypes.WireName(type), subscriptionId, target, answered.Status);
                break;
            case WebhookResponse.Failure failure:
                LogFailure(eventId, MailEventTypes.WireName(type), subscriptionId, target, failure.Reason);
                break;
        }
        return outcome;
    }

    /// <summary>
    /// What a receiver's answer means for the event job (see the class summary); <paramref name="receiver"/> names it in
    /// the reason (the Event Grid topic for its jobs).
    /// </summary>
    public static StageOutcome Classify(WebhookResponse response, TimeSpan maxRetryAfter, string receiver = "webhook receiver") => response switch
    {
        WebhookResponse.Answered { Status: >= 200 and < 300 or 410 } => StageOutcome.Done,
        WebhookResponse.Answered { Status: 408 or 429 or >= 500 } a =>
            new StageOutcome.Transient(Min(a.RetryAfter ?? TimeSpan.Zero, maxRetryAfter), $"{receiver} answered {a.Status}"),
        WebhookResponse.Answered a => new StageOutcome.Permanent($"{receiver} answered {a.Status}"),
        WebhookResponse.Failure f => new StageOutcome.Transient(TimeSpan.Zero, $"{receiver} not reached: " + f.Reason),
        _ => throw new ArgumentOutOfRangeException(nameof(response), response?.GetType().Name, "Unknown webhook response."),
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async Task<StageOutcome> PublishToEventGridAsync(MailJob job, MailEventType type, string domain, CancellationToken cancellationToken)
    {
        string eventId = EventJobs.EventId(job.JobId);
        string typeName = EventGridEvents.TypeName(type);
        if (eventGrid is null)
        {
            LogEventGridOff(eventId, typeName, job.MessageId);
            return StageOutcome.Done;
        }
        byte[] body = await BodyAsync(job, type, eventId, Math.Min(options.Value.MaxRawBytes, EventGridMaxRawBytes), cancellationToken).ConfigureAwait(false);
        var cloudEvent = new MailCloudEvent(eventId, typeName, EventGridEvents.Subject(domain, job.MessageId), EventTime(body), body);
        WebhookResponse response = await eventGrid.SendAsync(cloudEvent, cancellationToken).ConfigureAwait(false);
        switch (response)
        {
            case WebhookResponse.Answered answered:
                LogEventGridAnswered(eventId, typeName, cloudEvent.Subject, answered.Status);
                break;
            case WebhookResponse.Failure failure:
                LogEventGridFailure(eventId, typeName, cloudEvent.Subject, failure.Reason);
                break;
        }
        return Classify(response, options.Value.MaxRetryAfter, "Event Grid topic");
    }

    /// <summary>The payload's own <c>timestamp</c>, so the CloudEvent's <c>time</c> and the data agree.</summary>
    private static DateTimeOffset EventTime(byte[] body)
    {
        using var document = System.Text.Json.JsonDocument.Parse(body);
        return document.RootElement.GetProperty("timestamp").GetDateTimeOffset();
    }

    private async Task<byte[]> BodyAsync(MailJob job, MailEventType type, string eventId, long maxRaw, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> recipients = job.EffectiveRecipients;
        bool received = type == MailEventType.Received;
        MessageHeaderSummary? headers = null;
        byte[]? raw = null;
        try
        {
            await using Stream stored = await blobs.OpenReadAsync(job.Blob.Id, cancellationToken).ConfigureAwait(false);
            if (received && job.Blob.Size <= maxRaw)
            {
                using var copy = new MemoryStream();
                await stored.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                raw = copy.ToArray();
                copy.Position = 0;
                headers = await MessageHeaderSummary.ReadAsync(copy, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                headers = await MessageHeaderSummary.ReadAsync(stored, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (BlobNotFoundException)
        {
            // Reclaimed after every recipient was done with it: the event goes out without headers.
        }

        IReadOnlyList<DeliveryRecord>? deliveries = null;
        DateTimeOffset timestamp = job.Envelope.ReceivedAt;
        if (!received)
        {
            var wanted = new HashSet<string>(recipients, StringComparer.OrdinalIgnoreCase);
            deliveries = [.. (await deliveryLog.GetAsync(job.MessageId, cancellationToken).ConfigureAwait(false)).Where(r => wanted.Contains(r.Recipient))];
            timestamp = deliveries.Count > 0 ? deliveries.Max(r => r.UpdatedAt) : time.GetUtcNow();
        }
        return WebhookPayload.Build(eventId, type, timestamp, job.MessageId, job.Envelope.MailFrom, recipients, headers, deliveries,
            received ? job.Blob.Size : null, raw);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {SubscriptionId} of an event of {MessageId} no longer exists; the event is dropped")]
    private partial void LogSubscriptionGone(string messageId, string subscriptionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} ({Type}) of {MessageId} was queued for Event Grid, which is no longer configured (CloudMail:Events:EventGrid:Endpoint); the event is dropped")]
    private partial void LogEventGridOff(string eventId, string type, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} ({Type}, {Subject}) published to Event Grid: HTTP {Status}")]
    private partial void LogEventGridAnswered(string eventId, string type, string subject, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} ({Type}, {Subject}) not published to Event Grid: {Reason}")]
    private partial void LogEventGridFailure(string eventId, string type, string subject, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} ({Type}) posted to webhook {SubscriptionId} at {Url}: HTTP {Status}")]
    private partial void LogAnswered(string eventId, string type, string subscriptionId, string url, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} ({Type}) for webhook {SubscriptionId}: the receiver at {Url} answered 410 Gone; the subscription was removed")]
    private partial void LogReceiverGone(string eventId, string type, string subscriptionId, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} ({Type}) for webhook {SubscriptionId} not posted to {Url}: {Reason}")]
    private partial void LogFailure(string eventId, string type, string subscriptionId, string url, string reason);
}
