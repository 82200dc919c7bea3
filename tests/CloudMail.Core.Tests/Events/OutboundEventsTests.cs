using CloudMail.Core.Delivery;
using CloudMail.Core.Events;
using CloudMail.Core.Failures;
using CloudMail.Core.Queue;
using CloudMail.Core.Tests.Delivery;
using CloudMail.Core.Tests.SendApi.Fakes;

namespace CloudMail.Core.Tests.Events;

/// <summary>The outbound stage publishing delivered, deferred and bounced events through a <see cref="MailEventPublisher"/>.</summary>
public sealed class OutboundEventsTests
{
    private const string Bob = "bob@b.test", Carol = "carol@c.test", Dave = "dave@d.test";

    private readonly InMemoryWebhookStore _store = new();
    private readonly FailingOnceQueue _eventQueue;
    private readonly OutboundHarness _h;

    public OutboundEventsTests()
    {
        var queue = new InMemoryMailQueue();
        _eventQueue = new FailingOnceQueue(queue);
        var publisher = new MailEventPublisher(new WebhookSubscriptionCache(_store, TimeProvider.System, TimeSpan.Zero), _eventQueue);
        _h = new OutboundHarness(events: publisher);
        _store.AddAsync(new WebhookSubscription("wh_a", "a.test", "https://hooks.test/", "whsec_a", MailEventTypes.All, DateTimeOffset.UnixEpoch),
            CancellationToken.None).GetAwaiter().GetResult();
    }

    private List<MailJob> Events => [.. _eventQueue.Inner.Waiting.Where(w => w.Queue == QueueNames.Events).Select(w => w.Job)];

    [Fact]
    public async Task Each_outcome_of_an_attempt_is_one_event_for_the_senders_domain_listing_its_recipients()
    {
        _h.Transport.Script(Carol, (RecipientOutcome.Transient, "451 4.7.1 later"));
        _h.Transport.Script(Dave, (RecipientOutcome.Permanent, "550 5.1.1 no such user"));

        await _h.RunAsync(await _h.OutboundJobAsync([Bob, Carol, Dave]));

        Assert.Equal([("message.delivered|wh_a", Bob), ("message.deferred|wh_a", Carol), ("message.bounced|wh_a", Dave)],
            Events.Select(j => (j.Event, Assert.Single(j.Recipients!))));
    }

    [Fact]
    public async Task A_run_that_failed_to_publish_publishes_the_same_event_when_run_again_without_delivering_twice()
    {
        var job = await _h.OutboundJobAsync([Bob]);
        _eventQueue.FailNext = true;

        await Assert.ThrowsAsync<TransientStorageException>(() => _h.RunAsync(job));
        Assert.Empty(Events);
        await _h.RunAsync(job);

        var delivered = Assert.Single(Events);
        Assert.Equal("message.delivered|wh_a", delivered.Event);
        Assert.Single(_h.Transport.Calls);
    }

    [Fact]
    public async Task Mail_not_submitted_by_a_user_such_as_a_forward_with_a_foreign_sender_has_no_events()
    {
        var job = await _h.OutboundJobAsync([Bob]);

        await _h.RunAsync(job with { Envelope = job.Envelope with { AuthenticatedUser = null } });

        Assert.Empty(Events);
    }

    /// <summary>Our seam <see cref="IMailQueue"/> over an in-memory one, failing the next enqueue when told to.</summary>
    private sealed class FailingOnceQueue(InMemoryMailQueue inner) : IMailQueue
    {
        public InMemoryMailQueue Inner { get; } = inner;

        public bool FailNext { get; set; }

        public Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new TransientStorageException("queue unavailable", new IOException("down"));
            }
            return Inner.EnqueueAsync(queue, job, notBefore, cancellationToken);
        }
    }
}
