using CloudMail.Core.Queue;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="ILeasedMailQueue"/> contract (the consumer side, implemented by the embedded queue only): leases,
/// completion, retry with delay, lease expiry, dead letter, counts. The producer side is
/// <see cref="MailQueueProducerContractTests"/>, which runs against every backend. Each test works on its own queue from
/// <see cref="QueueContractTest{TContract}.NewQueueName"/>. Retry and not-before delays
/// (<see cref="QueueContractTest{TContract}.ShortDelay"/>) are crossed by moving the stopped
/// <see cref="QueueContractTest{TContract}.Clock"/>; leases that run out (<see cref="ShortLease"/>) are waited out, polling
/// for up to <see cref="QueueContractTest{TContract}.Patience"/>.
/// </summary>
public abstract partial class LeasedMailQueueContractTests : QueueContractTest<ILeasedMailQueue>
{
    protected ILeasedMailQueue Queue => Subject;

    /// <summary>A lease long enough for the settlement calls in one test.</summary>
    protected virtual TimeSpan Lease => TimeSpan.FromSeconds(30);

    /// <summary>A lease the tests wait out.</summary>
    protected virtual TimeSpan ShortLease => TimeSpan.FromSeconds(1);

    /// <summary>Another instance of the queue over the same storage, as a process before a crash had it (dispose it after).</summary>
    protected abstract Task<ILeasedMailQueue> OpenOtherInstanceAsync();

    [Fact]
    public async Task Reclaiming_takes_back_at_once_the_leases_of_another_instance_and_keeps_its_own()
    {
        string queue = NewQueueName();
        await Queue.EnqueueAsync(queue, TestData.Job(), null, Ct);
        await Queue.EnqueueAsync(queue, TestData.Job(), null, Ct);
        var crashed = await OpenOtherInstanceAsync();
        LeasedJob lost = Assert.Single(await crashed.LeaseAsync(queue, 1, TimeSpan.FromHours(1), Ct));
        LeasedJob mine = Assert.Single(await Queue.LeaseAsync(queue, 1, TimeSpan.FromHours(1), Ct));

        Assert.Equal(1, await Queue.ReclaimLeasesOfOtherInstancesAsync(Ct));

        LeasedJob again = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Assert.Equal(lost.Job.JobId, again.Job.JobId);
        Assert.Equal(2, again.DeliveryCount);
        Assert.False(await crashed.CompleteAsync(queue, lost, Ct));
        Assert.True(await Queue.CompleteAsync(queue, mine, Ct));
        Assert.True(await Queue.CompleteAsync(queue, again, Ct));
        Assert.Equal(0, await Queue.ReclaimLeasesOfOtherInstancesAsync(Ct));
        if (crashed is IAsyncDisposable d) await d.DisposeAsync();
        else (crashed as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task Leased_job_has_its_payload_delivery_count_one_a_token_and_its_enqueue_time()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        DateTimeOffset before = DateTimeOffset.UtcNow.AddMinutes(-5);

        await Queue.EnqueueAsync(queue, job, null, Ct);
        LeasedJob leased = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));

        AssertSameJob(job, leased.Job);
        Assert.Equal(1, leased.DeliveryCount);
        Assert.False(string.IsNullOrEmpty(leased.LeaseToken));
        Assert.InRange(leased.EnqueuedAt, before, DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Enqueueing_a_job_id_that_is_already_queued_is_a_no_op()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();

        await Queue.EnqueueAsync(queue, job, null, Ct);
        await Queue.EnqueueAsync(queue, job, null, Ct);

        Assert.Equal(1, await Queue.CountAsync(queue, Ct));
        Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));
    }

    [Fact]
    public async Task Enqueueing_a_job_id_that_is_leased_is_a_no_op()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, null, Ct);
        LeasedJob leased = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));

        await Queue.EnqueueAsync(queue, job, null, Ct);

        Assert.Equal(1, await Queue.CountAsync(queue, Ct));
        Assert.Empty(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Assert.True(await Queue.CompleteAsync(queue, leased, Ct));
    }

    [Fact]
    public async Task Leased_job_is_invisible_to_other_consumers()
    {
        string queue = NewQueueName();
        await Queue.EnqueueAsync(queue, TestData.Job(), null, Ct);

        Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));

        Assert.Empty(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Assert.Equal(1, await Queue.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task Lease_returns_at_most_max_jobs_and_the_rest_stay_available()
    {
        string queue = NewQueueName();
        var jobs = Enumerable.Range(0, 5).Select(_ => TestData.Job()).ToList();
        foreach (MailJob job in jobs) await Queue.EnqueueAsync(queue, job, null, Ct);

        IReadOnlyList<LeasedJob> first = await Queue.LeaseAsync(queue, 3, Lease, Ct);
        IReadOnlyList<LeasedJob> rest = await Queue.LeaseAsync(queue, 10, Lease, Ct);

        Assert.Equal(3, first.Count);
        Assert.Equal(2, rest.Count);
        Assert.Equal(jobs.Select(j => j.JobId).Order(), first.Concat(rest).Select(l => l.Job.JobId).Order());
    }

    [Fact]
    public async Task Completed_job_is_removed()
    {
        string queue = NewQueueName();
        await Queue.EnqueueAsync(queue, TestData.Job(), null, Ct);
        LeasedJob leased = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));

        Assert.True(await Queue.CompleteAsync(queue, leased, Ct));

        Assert.Equal(0, await Queue.CountAsync(queue, Ct));
        Assert.False(await Queue.CompleteAsync(queue, leased, Ct));
    }

    [Fact]
    public async Task Settling_with_a_wrong_lease_token_fails_and_leaves_the_job()
    {
        string queue = NewQueueName();
        await Queue.EnqueueAsync(queue, TestData.Job(), null, Ct);
        LeasedJob leased = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        LeasedJob forged = leased with { LeaseToken = "not-" + leased.LeaseToken };

        Assert.False(await Queue.CompleteAsync(queue, forged, Ct));
        Assert.False(await Queue.RetryAsync(queue, forged, TimeSpan.Zero, "test", Ct));
        Assert.False(await Queue.DeadLetterAsync(queue, forged, "test", Ct));

        Assert.Equal(1, await Queue.CountAsync(queue, Ct));
        Assert.True(await Queue.CompleteAsync(queue, leased, Ct));
    }

    [Fact]
    public async Task Retried_job_comes_back_after_the_delay_with_a_higher_delivery_count()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, null, Ct);
        LeasedJob first = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        DateTimeOffset due = StopClock() + ShortDelay;

        Assert.True(await Queue.RetryAsync(queue, first, ShortDelay, "451 4.4.1 try later", Ct));

        Assert.Empty(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Assert.Equal(1, await Queue.CountAsync(queue, Ct));
        Clock.Now = due - TimeSpan.FromMilliseconds(10);
        Assert.Empty(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Clock.Now = due + TimeSpan.FromMilliseconds(10);
        LeasedJob second = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Assert.Equal(job.JobId, second.Job.JobId);
        Assert.Equal(2, second.DeliveryCount);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        Assert.False(await Queue.CompleteAsync(queue, first, Ct));
        Assert.True(await Queue.CompleteAsync(queue, second, Ct));
    }

    [Fact]
    public async Task Retry_without_delay_makes_the_job_visible_again()
    {
        string queue = NewQueueName();
        await Queue.EnqueueAsync(queue, TestData.Job(), null, Ct);
        LeasedJob first = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));

        Assert.True(await Queue.RetryAsync(queue, first, TimeSpan.Zero, "transient", Ct));

        LeasedJob second = await LeaseOneAsync(queue, Lease);
        Assert.Equal(2, second.DeliveryCount);
    }

    [Fact]
    public async Task Job_with_a_future_not_before_is_invisible_until_then()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        DateTimeOffset notBefore = StopClock() + ShortDelay;

        await Queue.EnqueueAsync(queue, job, notBefore, Ct);

        Assert.Empty(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Assert.Equal(1, await Queue.CountAsync(queue, Ct));
        Clock.Now = notBefore - TimeSpan.FromMilliseconds(10);
        Assert.Empty(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Clock.Now = notBefore + TimeSpan.FromMilliseconds(10);
        LeasedJob leased = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Assert.Equal(job.JobId, leased.Job.JobId);
        Assert.Equal(1, leased.DeliveryCount);
    }

    [Fact]
    public async Task Expired_lease_redelivers_the_job_and_the_old_lease_can_no_longer_settle()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, null, Ct);
        LeasedJob first = Assert.Single(await Queue.LeaseAsync(queue, 10, ShortLease, Ct));

        LeasedJob second = await LeaseOneAsync(queue, Lease);

        Assert.Equal(job.JobId, second.Job.JobId);
        Assert.Equal(2, second.DeliveryCount);
        Assert.False(await Queue.CompleteAsync(queue, first, Ct));
        Assert.False(await Queue.DeadLetterAsync(queue, first, "stale", Ct));
        Assert.True(await Queue.CompleteAsync(queue, second, Ct));
    }

    [Fact]
    public async Task A_renewed_lease_outlives_its_first_duration_and_still_settles()
    {
        string queue = NewQueueName();
        await Queue.EnqueueAsync(queue, TestData.Job(), null, Ct);
        LeasedJob leased = Assert.Single(await Queue.LeaseAsync(queue, 10, ShortLease, Ct));

        Assert.True(await Queue.RenewAsync(queue, leased, Lease, Ct));
        await Task.Delay(ShortLease * 2);

        Assert.Empty(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        Assert.True(await Queue.CompleteAsync(queue, leased, Ct));
        Assert.Equal(0, await Queue.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task A_lease_lost_or_settled_cannot_be_renewed()
    {
        string queue = NewQueueName();
        await Queue.EnqueueAsync(queue, TestData.Job(), null, Ct);
        LeasedJob first = Assert.Single(await Queue.LeaseAsync(queue, 10, ShortLease, Ct));
        LeasedJob second = await LeaseOneAsync(queue, Lease);

        Assert.False(await Queue.RenewAsync(queue, first, Lease, Ct));
        Assert.True(await Queue.CompleteAsync(queue, second, Ct));
        Assert.False(await Queue.RenewAsync(queue, second, Lease, Ct));
    }

    [Fact]
    public async Task Dead_lettered_job_leaves_the_queue_and_is_listed_with_its_reason()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, null, Ct);
        LeasedJob leased = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        DateTimeOffset before = DateTimeOffset.UtcNow.AddMinutes(-5);

        Assert.True(await Queue.DeadLetterAsync(queue, leased, "550 5.1.1 poison", Ct));

        Assert.Equal(0, await Queue.CountAsync(queue, Ct));
        Assert.Empty(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        DeadLetteredJob dead = Assert.Single(await Queue.ListDeadLettersAsync(queue, 10, Ct));
        AssertSameJob(job, dead.Job);
        Assert.Equal("550 5.1.1 poison", dead.Reason);
        Assert.Equal(1, dead.DeliveryCount);
        Assert.InRange(dead.DeadLetteredAt, before, DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.False(await Queue.CompleteAsync(queue, leased, Ct));
    }

    [Fact]
    public async Task Dead_letter_list_is_limited_to_max()
    {
        string queue = NewQueueName();
        for (int i = 0; i < 3; i++) await Queue.EnqueueAsync(queue, TestData.Job(), null, Ct);
        foreach (LeasedJob leased in await Queue.LeaseAsync(queue, 10, Lease, Ct))
        {
            Assert.True(await Queue.DeadLetterAsync(queue, leased, "poison", Ct));
        }

        Assert.Equal(2, (await Queue.ListDeadLettersAsync(queue, 2, Ct)).Count);
        Assert.Equal(3, (await Queue.ListDeadLettersAsync(queue, 10, Ct)).Count);
    }

    [Fact]
    public async Task Queues_are_independent()
    {
        string queue = NewQueueName();
        string other = NewQueueName();
        MailJob job = TestData.Job();

        await Queue.EnqueueAsync(queue, job, null, Ct);
        await Queue.EnqueueAsync(other, job, null, Ct);

        Assert.Equal(1, await Queue.CountAsync(queue, Ct));
        Assert.Equal(1, await Queue.CountAsync(other, Ct));
        Assert.Single(await Queue.LeaseAsync(other, 10, Lease, Ct));
        Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));
    }

    /// <summary>Polls until one job of <paramref name="queue"/> can be leased; fails after <see cref="QueueContractTest{TContract}.Patience"/>.</summary>
    protected Task<LeasedJob> LeaseOneAsync(string queue, TimeSpan leaseDuration) =>
        PollOneAsync(queue, () => Queue.LeaseAsync(queue, 1, leaseDuration, Ct));

    protected static void AssertSameJob(MailJob expected, MailJob actual) => TestData.AssertSameJob(expected, actual);
}
