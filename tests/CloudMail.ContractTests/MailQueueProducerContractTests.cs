using CloudMail.Core.Queue;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="IMailQueue"/> contract (the producer side, every backend): an enqueued job is stored durably with its
/// payload intact, a JobId already queued or taken is not stored twice, <c>notBefore</c> delays visibility, queues are
/// independent. What was stored is observed through <see cref="TakeVisibleAsync"/>, the backend's own way of handing
/// out visible jobs (a lease on SQLite; a peek-lock receive on Service Bus). Each test works on its own queue from
/// <see cref="QueueContractTest{TContract}.NewQueueName"/>.
/// </summary>
public abstract class MailQueueProducerContractTests : QueueContractTest<IMailQueue>
{
    protected IMailQueue Queue => Subject;

    /// <summary>
    /// The jobs of <paramref name="queue"/> visible now, taken out of view for a while (leased or locked) so a second
    /// call does not return them again.
    /// </summary>
    protected abstract Task<IReadOnlyList<MailJob>> TakeVisibleAsync(string queue);

    [Fact]
    public async Task Enqueued_job_is_stored_with_its_payload_intact()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();

        await Queue.EnqueueAsync(queue, job, null, Ct);

        TestData.AssertSameJob(job, Assert.Single(await TakeVisibleAsync(queue)));
    }

    [Fact]
    public async Task Recipient_subset_of_a_delivery_job_round_trips()
    {
        string queue = NewQueueName();

        await Queue.EnqueueAsync(queue, TestData.Job(recipients: ["b@contract.test"]), null, Ct);

        MailJob stored = Assert.Single(await TakeVisibleAsync(queue));
        Assert.Equal(["b@contract.test"], stored.Recipients!);
        Assert.Equal(["b@contract.test"], stored.EffectiveRecipients);
    }

    [Fact]
    public async Task Enqueueing_a_job_id_that_is_already_queued_is_a_no_op()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();

        await Queue.EnqueueAsync(queue, job, null, Ct);
        await Queue.EnqueueAsync(queue, job, null, Ct);

        Assert.Single(await TakeVisibleAsync(queue));
        Assert.Empty(await TakeVisibleAsync(queue));
    }

    [Fact]
    public async Task Enqueueing_a_job_id_that_is_taken_by_a_consumer_is_a_no_op()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, null, Ct);
        Assert.Single(await TakeVisibleAsync(queue));

        await Queue.EnqueueAsync(queue, job, null, Ct);

        Assert.Empty(await TakeVisibleAsync(queue));
    }

    [Fact]
    public async Task Job_with_a_future_not_before_is_invisible_until_then()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        DateTimeOffset notBefore = StopClock() + ShortDelay;

        await Queue.EnqueueAsync(queue, job, notBefore, Ct);

        Assert.Empty(await TakeVisibleAsync(queue));
        Clock.Now = notBefore - TimeSpan.FromMilliseconds(10);
        Assert.Empty(await TakeVisibleAsync(queue));
        Clock.Now = notBefore + TimeSpan.FromMilliseconds(10);
        Assert.Equal(job.JobId, Assert.Single(await TakeVisibleAsync(queue)).JobId);
    }

    [Fact]
    public async Task Job_with_a_past_not_before_is_visible_at_once()
    {
        string queue = NewQueueName();

        await Queue.EnqueueAsync(queue, TestData.Job(), DateTimeOffset.UtcNow.AddMinutes(-1), Ct);

        Assert.Single(await TakeVisibleAsync(queue));
    }

    [Fact]
    public async Task Queues_are_independent()
    {
        string queue = NewQueueName();
        string other = NewQueueName();
        MailJob job = TestData.Job();

        await Queue.EnqueueAsync(queue, job, null, Ct);
        await Queue.EnqueueAsync(other, job, null, Ct);

        Assert.Equal(job.JobId, Assert.Single(await TakeVisibleAsync(other)).JobId);
        Assert.Equal(job.JobId, Assert.Single(await TakeVisibleAsync(queue)).JobId);
    }

    [Fact]
    public async Task Concurrent_enqueues_are_all_durable_and_visible()
    {
        string queue = NewQueueName();
        var jobs = Enumerable.Range(0, 50).Select(_ => TestData.Job()).ToList();

        await Task.WhenAll(jobs.Select(job => Queue.EnqueueAsync(queue, job, null, Ct)));

        var stored = new List<MailJob>();
        while (stored.Count < jobs.Count && await TakeVisibleAsync(queue) is { Count: > 0 } batch) stored.AddRange(batch);
        Assert.Equal(jobs.Select(j => j.JobId).Order(), stored.Select(j => j.JobId).Order());
    }
}
