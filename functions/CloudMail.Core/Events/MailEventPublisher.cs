using CloudMail.Core.Queue;

namespace CloudMail.Core.Events;

/// <summary>
/// Turns what a pipeline stage did into event jobs on <see cref="QueueNames.Events"/>, one per (subscription, event),
/// for <see cref="EventStage"/> to POST. Whose subscriptions: for <see cref="MailEventType.Received"/> those of each
/// local recipient (<see cref="WebhookScope.Of"/>: the address, then its domain); for delivered, deferred, bounced and quarantined
/// those of the envelope sender, the local user who submitted the message (only mail submitted by an authenticated
/// user or API key: forwarded port-25 mail carries a stranger's or an SRS address). Subscriptions are read through
/// <see cref="WebhookSubscriptionCache"/>. Idempotent: job ids are deterministic (<see cref="EventJobs.JobId"/>), so
/// a stage that runs again enqueues the same jobs. Storage failures (reading subscriptions, enqueueing) propagate for the
/// calling stage to be retried. Thread-safe.
/// When an <see cref="IEventGridSender"/> is registered (Azure mode with <c>CloudMail:Events:EventGrid:Endpoint</c>), every
/// event is also enqueued once per domain for Event Grid (<see cref="EventGridEvents.TargetId"/>): received per local
/// recipient's domain, the outbound events for the sender's domain (under the same rule as webhooks).
/// </summary>
public sealed class MailEventPublisher(WebhookSubscriptionCache subscriptions, IMailQueue queue, IEventGridSender? eventGrid = null)
{
    /// <summary>Publishes <see cref="MailEventType.Received"/> of <paramref name="job"/> for <paramref name="recipients"/> (local addresses it reached).</summary>
    public Task PublishReceivedAsync(MailJob job, IReadOnlyCollection<string> recipients, CancellationToken cancellationToken) =>
        PublishAsync(job, MailEventType.Received, recipients.Select(r => (r, WebhookScope.Of(r))), 0, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="type"/> (delivered, deferred, bounced or quarantined) of outbound attempt <see cref="MailJob.OutboundAttempt"/>
    /// of <paramref name="job"/> for <paramref name="recipients"/> to the sender's subscriptions.
    /// </summary>
    public Task PublishOutboundAsync(MailJob job, MailEventType type, IReadOnlyCollection<string> recipients, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (recipients.Count == 0 || job.Envelope.AuthenticatedUser is null || job.Envelope.MailFrom.Length == 0) return Task.CompletedTask;
        IReadOnlyList<string> scopes = WebhookScope.Of(job.Envelope.MailFrom);
        return PublishAsync(job, type, recipients.Select(r => (r, scopes)), job.OutboundAttempt, cancellationToken);
    }

    private async Task PublishAsync(MailJob job, MailEventType type, IEnumerable<(string Recipient, IReadOnlyList<string> Scopes)> recipients, int attempt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var groups = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach ((string recipient, IReadOnlyList<string> scopes) in recipients)
        {
            foreach (string scope in scopes)
            {
                foreach (WebhookSubscription subscription in await subscriptions.OfAsync(scope, cancellationToken).ConfigureAwait(false))
                {
                    if (!subscription.Wants(type)) continue;
                    if (!groups.TryGetValue(subscription.Id, out var group)) groups[subscription.Id] = group = [];
                    if (!group.Contains(recipient, StringComparer.OrdinalIgnoreCase)) group.Add(recipient);
                }
            }
            if (eventGrid is not null && scopes.Count > 0)
            {
                string target = EventGridEvents.TargetId(scopes[^1]);
                if (!groups.TryGetValue(target, out var group)) groups[target] = group = [];
                if (!group.Contains(recipient, StringComparer.OrdinalIgnoreCase)) group.Add(recipient);
            }
        }
        foreach ((string subscriptionId, List<string> group) in groups)
        {
            var eventJob = job with
            {
                JobId = EventJobs.JobId(job.MessageId, type, subscriptionId, group, attempt),
                Recipients = group,
                LedgeredAt = null,
                Event = EventJobs.Describe(type, subscriptionId),
            };
            await queue.EnqueueAsync(QueueNames.Events, eventJob, null, cancellationToken).ConfigureAwait(false);
        }
    }
}
