namespace CloudMail.Core.Events;

/// <summary>
/// Publishes one CloudEvent to the Event Grid topic of Azure mode (<see cref="EventStage"/>). The implementation lives in
/// CloudMail.Storage.Azure (<c>EventGridSender</c>, registered only when <c>CloudMail:Events:EventGrid:Endpoint</c> is set);
/// Core decides what each answer means (<see cref="EventStage.Classify"/>), as for webhooks.
/// </summary>
public interface IEventGridSender
{
    /// <summary>
    /// Publishes <paramref name="cloudEvent"/>. Never throws for what the network, the token service or the topic did:
    /// an HTTP answer comes back as <see cref="WebhookResponse.Answered"/>, no answer (timeout, connection, TLS or token
    /// failure) as <see cref="WebhookResponse.Failure"/>; only a cancellation of <paramref name="cancellationToken"/> propagates.
    /// </summary>
    Task<WebhookResponse> SendAsync(MailCloudEvent cloudEvent, CancellationToken cancellationToken);
}

/// <summary>
/// One CloudEvents 1.0 event: <paramref name="Id"/> (<see cref="EventJobs.EventId"/>, the same on every retry),
/// <paramref name="Type"/> (<see cref="EventGridEvents.TypeName"/>), <paramref name="Subject"/>
/// (<see cref="EventGridEvents.Subject"/>), <paramref name="Time"/>, and <paramref name="Data"/> = the webhook body
/// (<see cref="WebhookPayload"/>, UTF-8 JSON).
/// </summary>
public sealed record MailCloudEvent(string Id, string Type, string Subject, DateTimeOffset Time, byte[] Data);

/// <summary>
/// The names of mail events on Event Grid and the reserved target that carries them through the events queue: the
/// publisher enqueues one event job per (event, domain) with subscription id <c>~eventgrid:{domain}</c>
/// (<see cref="TargetId"/>) beside the webhook subscriptions' jobs, so the same queue, retries and dead-lettering apply.
/// </summary>
public static class EventGridEvents
{
    /// <summary>The prefix of the reserved subscription id; never produced by <see cref="WebhookAdministration"/> (its ids are <c>wh_…</c>).</summary>
    public const string TargetPrefix = "~eventgrid:";

    /// <summary>The CloudEvents <c>type</c>, e.g. <c>CloudMail.Message.Received</c>.</summary>
    public static string TypeName(MailEventType type)
    {
        string shortName = MailEventTypes.ShortName(type);
        return "CloudMail.Message." + char.ToUpperInvariant(shortName[0]) + shortName[1..];
    }

    /// <summary>The CloudEvents <c>subject</c>: <c>/domains/{domain}/messages/{messageId}</c> (domain lower-cased).</summary>
    public static string Subject(string domain, string messageId) => $"/domains/{domain.ToLowerInvariant()}/messages/{messageId}";

    /// <summary>The reserved subscription id of <paramref name="domain"/>'s events.</summary>
    public static string TargetId(string domain) => TargetPrefix + domain.ToLowerInvariant();

    /// <summary>True, with the domain, when <paramref name="subscriptionId"/> is a reserved Event Grid target. Never throws.</summary>
    public static bool TryParseTarget(string? subscriptionId, out string domain)
    {
        domain = "";
        if (subscriptionId is null || !subscriptionId.StartsWith(TargetPrefix, StringComparison.Ordinal) || subscriptionId.Length == TargetPrefix.Length) return false;
        domain = subscriptionId[TargetPrefix.Length..];
        return true;
    }
}
