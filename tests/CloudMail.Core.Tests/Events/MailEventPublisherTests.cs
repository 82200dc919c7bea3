using CloudMail.Core.Blobs;
using CloudMail.Core.Events;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Core.Tests.SendApi.Fakes;

namespace CloudMail.Core.Tests.Events;

public sealed class MailEventPublisherTests
{
    private readonly InMemoryWebhookStore _store = new();
    private readonly InMemoryMailQueue _queue = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly MailEventPublisher _publisher;

    public MailEventPublisherTests() => _publisher = new MailEventPublisher(new WebhookSubscriptionCache(_store, _clock, TimeSpan.FromSeconds(10)), _queue);

    private static MailJob Job(string mailFrom, string[] recipients, string? authenticatedUser = null, int attempt = 0) =>
        new("m1", "m1", new BlobRef("m1", 10, "00"), new Envelope(mailFrom, recipients, authenticatedUser, "192.0.2.1", "client.test", DateTimeOffset.UnixEpoch),
            OutboundAttempt: attempt);

    private async Task<WebhookSubscription> SubscribeAsync(string id, string scope, params MailEventType[] events)
    {
        var s = new WebhookSubscription(id, scope, "https://hooks.test/" + id, "whsec_" + id, events.Length == 0 ? MailEventTypes.All : events, DateTimeOffset.UnixEpoch);
        await _store.AddAsync(s, CancellationToken.None);
        return s;
    }

    private List<MailJob> Events => [.. _queue.Waiting.Where(w => w.Queue == QueueNames.Events).Select(w => w.Job)];

    [Fact]
    public async Task Received_mail_makes_one_event_job_per_subscription_of_the_recipients_addresses_and_domains()
    {
        await SubscribeAsync("wh_dom", "a.test");
        await SubscribeAsync("wh_bob", "bob@a.test", MailEventType.Received);
        await SubscribeAsync("wh_other", "b.test");
        await SubscribeAsync("wh_outbound_only", "a.test", MailEventType.Delivered);

        await _publisher.PublishReceivedAsync(Job("x@remote.test", ["bob@a.test", "ann@a.test"]), ["bob@a.test", "ann@a.test"], CancellationToken.None);

        var events = Events.OrderBy(j => j.Event, StringComparer.Ordinal).ToList();
        Assert.Equal(["message.received|wh_bob", "message.received|wh_dom"], events.Select(j => j.Event));
        Assert.Equal(["bob@a.test"], events[0].Recipients);
        Assert.Equal(["bob@a.test", "ann@a.test"], events[1].Recipients);
        Assert.StartsWith("m1:event:received:wh_dom:", events[1].JobId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_again_for_the_same_job_makes_the_same_job_ids()
    {
        await SubscribeAsync("wh_dom", "a.test");
        MailJob job = Job("x@remote.test", ["bob@a.test"]);

        await _publisher.PublishReceivedAsync(job, ["bob@a.test"], CancellationToken.None);
        string first = Assert.Single(Events).JobId;
        _queue.Complete(first);
        await _publisher.PublishReceivedAsync(job, ["bob@a.test"], CancellationToken.None);

        Assert.Equal(first, Assert.Single(Events).JobId);
    }

    [Fact]
    public async Task Outbound_events_go_to_the_senders_subscriptions_one_per_attempt_and_only_for_submitted_mail()
    {
        await SubscribeAsync("wh_alice", "alice@a.test", MailEventType.Deferred, MailEventType.Bounced);

        await _publisher.PublishOutboundAsync(Job("alice@a.test", ["x@remote.test"], "alice@a.test", attempt: 0), MailEventType.Deferred, ["x@remote.test"], CancellationToken.None);
        await _publisher.PublishOutboundAsync(Job("alice@a.test", ["x@remote.test"], "alice@a.test", attempt: 1), MailEventType.Deferred, ["x@remote.test"], CancellationToken.None);
        await _publisher.PublishOutboundAsync(Job("alice@a.test", ["x@remote.test"], "alice@a.test"), MailEventType.Delivered, ["x@remote.test"], CancellationToken.None);
        await _publisher.PublishOutboundAsync(Job("alice@a.test", ["x@remote.test"], authenticatedUser: null), MailEventType.Bounced, ["x@remote.test"], CancellationToken.None);
        await _publisher.PublishOutboundAsync(Job("", ["alice@a.test"], "postmaster@a.test"), MailEventType.Bounced, ["alice@a.test"], CancellationToken.None);

        var events = Events;
        Assert.Equal(2, events.Count);
        Assert.All(events, j => Assert.Equal("message.deferred|wh_alice", j.Event));
        Assert.NotEqual(events[0].JobId, events[1].JobId);
    }

    [Fact]
    public async Task Subscriptions_of_a_scope_are_read_once_per_cache_duration_unless_forgotten()
    {
        await SubscribeAsync("wh_dom", "a.test");
        var cache = new WebhookSubscriptionCache(_store, _clock, TimeSpan.FromSeconds(10));

        await cache.OfAsync("a.test", CancellationToken.None);
        await cache.OfAsync("a.test", CancellationToken.None);
        Assert.Equal(1, _store.ScopeReads);

        _clock.Advance(TimeSpan.FromSeconds(11));
        await cache.OfAsync("a.test", CancellationToken.None);
        cache.Forget("a.test");
        await cache.OfAsync("a.test", CancellationToken.None);
        Assert.Equal(3, _store.ScopeReads);
    }

    private sealed class NoEventGrid : IEventGridSender
    {
        public Task<WebhookResponse> SendAsync(MailCloudEvent cloudEvent, CancellationToken cancellationToken) => throw new InvalidOperationException("not called by the publisher");
    }

    [Fact]
    public async Task With_Event_Grid_every_event_is_also_queued_once_per_domain_beside_the_webhooks()
    {
        await SubscribeAsync("wh_dom", "a.test");
        var publisher = new MailEventPublisher(new WebhookSubscriptionCache(_store, _clock, TimeSpan.FromSeconds(10)), _queue, new NoEventGrid());

        await publisher.PublishReceivedAsync(Job("x@remote.test", ["bob@a.test", "ann@A.test", "cy@b.test"]), ["bob@a.test", "ann@A.test", "cy@b.test"], CancellationToken.None);
        await publisher.PublishOutboundAsync(Job("bob@a.test", ["far@remote.test"], authenticatedUser: "bob@a.test"), MailEventType.Delivered, ["far@remote.test"], CancellationToken.None);
        // Forwarded port-25 mail has no local sender: no outbound event, for Event Grid as for webhooks.
        await publisher.PublishOutboundAsync(Job("srs@a.test", ["far@remote.test"]), MailEventType.Bounced, ["far@remote.test"], CancellationToken.None);

        var events = Events.OrderBy(j => j.Event, StringComparer.Ordinal).ThenBy(j => j.JobId, StringComparer.Ordinal).ToList();
        Assert.Equal(["message.delivered|wh_dom", "message.delivered|~eventgrid:a.test",
            "message.received|wh_dom", "message.received|~eventgrid:a.test", "message.received|~eventgrid:b.test"], events.Select(j => j.Event));
        Assert.Equal(["far@remote.test"], events[1].Recipients);
        Assert.Equal(["bob@a.test", "ann@A.test"], events[3].Recipients);
        Assert.Equal(["cy@b.test"], events[4].Recipients);
    }

    [Fact]
    public void Event_Grid_names_types_subjects_and_targets()
    {
        Assert.Equal("CloudMail.Message.Received", EventGridEvents.TypeName(MailEventType.Received));
        Assert.Equal("CloudMail.Message.Quarantined", EventGridEvents.TypeName(MailEventType.Quarantined));
        Assert.Equal("/domains/a.test/messages/m1", EventGridEvents.Subject("A.Test", "m1"));
        Assert.True(EventGridEvents.TryParseTarget(EventGridEvents.TargetId("A.test"), out string domain));
        Assert.Equal("a.test", domain);
        Assert.False(EventGridEvents.TryParseTarget("wh_abc", out _));
        Assert.False(EventGridEvents.TryParseTarget("~eventgrid:", out _));
        Assert.False(EventGridEvents.TryParseTarget(null, out _));
    }
}
