using CloudMail.Core.Queue;

namespace CloudMail.ContractTests;

/// <summary>The administration members of <see cref="ILeasedMailQueue"/>: list, find, retry now, delete.</summary>
public abstract partial class LeasedMailQueueContractTests
{
    [Fact]
    public async Task Listing_shows_waiting_then_leased_by_next_attempt_then_dead_lettered_jobs_with_their_state()
    {
        string queue = NewQueueName();
        MailJob later = TestData.Job(), leasedJob = TestData.Job(), dead = TestData.Job();
        await Queue.EnqueueAsync(queue, dead, null, Ct);
        Assert.True(await Queue.DeadLetterAsync(queue, await LeaseOneAsync(queue, Lease), "550 5.1.1 no such user", Ct));
        await Queue.EnqueueAsync(queue, leasedJob, null, Ct);
        await LeaseOneAsync(queue, TimeSpan.FromHours(2));
        DateTimeOffset notBefore = TestData.Now().AddHours(1);
        await Queue.EnqueueAsync(queue, later, notBefore, Ct);

        IReadOnlyList<QueuedJob> jobs = await Queue.ListJobsAsync(queue, 10, Ct);

        Assert.Equal([later.JobId, leasedJob.JobId, dead.JobId], jobs.Select(j => j.Job.JobId));
        Assert.Equal([QueuedJobState.Waiting, QueuedJobState.Leased, QueuedJobState.DeadLettered], jobs.Select(j => j.State));
        Assert.Equal(notBefore, jobs[0].NextAttemptAt);
        Assert.Equal(0, jobs[0].DeliveryCount);
        Assert.Equal(1, jobs[1].DeliveryCount);
        Assert.Equal("550 5.1.1 no such user", jobs[2].Reason);
        Assert.NotNull(jobs[2].DeadLetteredAt);
        Assert.Null(jobs[2].NextAttemptAt);
        Assert.All(jobs, j => Assert.Equal(queue, j.Queue));
        AssertSameJob(dead, jobs[2].Job);
        Assert.Equal(2, (await Queue.ListJobsAsync(queue, 2, Ct)).Count);
    }

    [Fact]
    public async Task Find_returns_the_job_with_its_retry_reason_and_null_for_an_unknown_id()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, null, Ct);
        Assert.True(await Queue.RetryAsync(queue, await LeaseOneAsync(queue, Lease), TimeSpan.FromHours(1), "451 4.3.0 try later", Ct));

        QueuedJob? found = await Queue.FindAsync(queue, job.JobId, Ct);

        Assert.NotNull(found);
        Assert.Equal(QueuedJobState.Waiting, found.State);
        Assert.Equal("451 4.3.0 try later", found.Reason);
        Assert.True(found.NextAttemptAt > DateTimeOffset.UtcNow.AddMinutes(30));
        Assert.Null(await Queue.FindAsync(queue, "no-such-job", Ct));
        Assert.Null(await Queue.FindAsync(NewQueueName(), job.JobId, Ct));
    }

    [Fact]
    public async Task Retry_now_makes_a_waiting_job_due_at_once()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, DateTimeOffset.UtcNow.AddHours(1), Ct);

        Assert.True(await Queue.RetryNowAsync(queue, job.JobId, Ct));

        AssertSameJob(job, Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct)).Job);
    }

    [Fact]
    public async Task Retry_now_moves_a_dead_lettered_job_back_with_a_fresh_delivery_count()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, null, Ct);
        Assert.True(await Queue.DeadLetterAsync(queue, await LeaseOneAsync(queue, Lease), "expired", Ct));

        Assert.True(await Queue.RetryNowAsync(queue, job.JobId, Ct));

        Assert.Empty(await Queue.ListDeadLettersAsync(queue, 10, Ct));
        LeasedJob again = Assert.Single(await Queue.LeaseAsync(queue, 10, Lease, Ct));
        AssertSameJob(job, again.Job);
        Assert.Equal(1, again.DeliveryCount);
    }

    [Fact]
    public async Task Retry_now_and_delete_leave_a_job_under_a_live_lease_alone()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, null, Ct);
        LeasedJob leased = await LeaseOneAsync(queue, Lease);

        Assert.False(await Queue.RetryNowAsync(queue, job.JobId, Ct));
        Assert.Null(await Queue.DeleteAsync(queue, job.JobId, Ct));

        Assert.Equal(QueuedJobState.Leased, (await Queue.FindAsync(queue, job.JobId, Ct))?.State);
        Assert.True(await Queue.CompleteAsync(queue, leased, Ct));
    }

    [Fact]
    public async Task Retry_now_and_delete_of_an_unknown_job_do_nothing()
    {
        string queue = NewQueueName();
        Assert.False(await Queue.RetryNowAsync(queue, "no-such-job", Ct));
        Assert.Null(await Queue.DeleteAsync(queue, "no-such-job", Ct));
    }

    [Fact]
    public async Task Delete_removes_a_waiting_job_and_returns_it()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job(["x@remote.test"]);
        await Queue.EnqueueAsync(queue, job, DateTimeOffset.UtcNow.AddHours(1), Ct);

        QueuedJob? removed = await Queue.DeleteAsync(queue, job.JobId, Ct);

        Assert.Equal(QueuedJobState.Waiting, removed?.State);
        AssertSameJob(job, removed!.Job);
        Assert.Equal(0, await Queue.CountAsync(queue, Ct));
        Assert.Null(await Queue.FindAsync(queue, job.JobId, Ct));
    }

    [Fact]
    public async Task Delete_removes_a_dead_lettered_job()
    {
        string queue = NewQueueName();
        MailJob job = TestData.Job();
        await Queue.EnqueueAsync(queue, job, null, Ct);
        Assert.True(await Queue.DeadLetterAsync(queue, await LeaseOneAsync(queue, Lease), "poison", Ct));

        Assert.Equal(QueuedJobState.DeadLettered, (await Queue.DeleteAsync(queue, job.JobId, Ct))?.State);

        Assert.Empty(await Queue.ListDeadLettersAsync(queue, 10, Ct));
        Assert.Null(await Queue.FindAsync(queue, job.JobId, Ct));
    }
}
