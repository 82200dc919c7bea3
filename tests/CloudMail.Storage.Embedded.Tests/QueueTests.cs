using CloudMail.ContractTests;
using CloudMail.Core.Queue;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>Embedded queue behaviour beyond the contract: ordering, exact timing on a manual clock, group commit.</summary>
public sealed class QueueTests : IDisposable
{
    private const string Queue = QueueNames.Inbound;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly TempFolder _folder = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly EmbeddedStorage _store;
    private readonly CancellationToken _ct = CancellationToken.None;

    public QueueTests() => _store = EmbeddedStorage.Open(_folder.Path, _clock);

    [Fact]
    public async Task Lease_expiry_makes_the_job_visible_again_exactly_when_it_runs_out()
    {
        await _store.Queue.EnqueueAsync(Queue, TestData.Job(), null, _ct);
        Assert.Single(await _store.Queue.LeaseAsync(Queue, 1, TimeSpan.FromSeconds(30), _ct));

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await _store.Queue.LeaseAsync(Queue, 1, Lease, _ct));

        _clock.Advance(TimeSpan.FromSeconds(1));
        LeasedJob again = Assert.Single(await _store.Queue.LeaseAsync(Queue, 1, Lease, _ct));
        Assert.Equal(2, again.DeliveryCount);
    }

    [Fact]
    public async Task Settling_after_the_lease_ran_out_succeeds_while_nobody_else_leased_the_job()
    {
        await _store.Queue.EnqueueAsync(Queue, TestData.Job(), null, _ct);
        LeasedJob leased = Assert.Single(await _store.Queue.LeaseAsync(Queue, 1, TimeSpan.FromSeconds(30), _ct));

        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await _store.Queue.CompleteAsync(Queue, leased, _ct));
        Assert.Equal(0, await _store.Queue.CountAsync(Queue, _ct));
    }

    [Fact]
    public async Task Retry_delay_is_measured_on_the_clock()
    {
        await _store.Queue.EnqueueAsync(Queue, TestData.Job(), null, _ct);
        LeasedJob leased = Assert.Single(await _store.Queue.LeaseAsync(Queue, 1, Lease, _ct));
        Assert.True(await _store.Queue.RetryAsync(Queue, leased, TimeSpan.FromMinutes(10), "451 later", _ct));

        _clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Empty(await _store.Queue.LeaseAsync(Queue, 1, Lease, _ct));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, Assert.Single(await _store.Queue.LeaseAsync(Queue, 1, Lease, _ct)).DeliveryCount);
    }

    [Fact]
    public async Task Jobs_are_leased_in_order_of_their_not_before_time()
    {
        DateTimeOffset now = _clock.GetUtcNow();
        MailJob late = TestData.Job(), early = TestData.Job(), middle = TestData.Job();
        await _store.Queue.EnqueueAsync(Queue, late, now.AddSeconds(-1), _ct);
        await _store.Queue.EnqueueAsync(Queue, early, now.AddSeconds(-30), _ct);
        await _store.Queue.EnqueueAsync(Queue, middle, now.AddSeconds(-10), _ct);

        IReadOnlyList<LeasedJob> leased = await _store.Queue.LeaseAsync(Queue, 10, Lease, _ct);

        Assert.Equal([early.JobId, middle.JobId, late.JobId], leased.Select(l => l.Job.JobId));
    }

    [Fact]
    public async Task Completed_job_id_can_be_enqueued_again()
    {
        MailJob job = TestData.Job();
        await _store.Queue.EnqueueAsync(Queue, job, null, _ct);
        Assert.True(await _store.Queue.CompleteAsync(Queue, Assert.Single(await _store.Queue.LeaseAsync(Queue, 1, Lease, _ct)), _ct));

        await _store.Queue.EnqueueAsync(Queue, job, null, _ct);

        Assert.Equal(1, await _store.Queue.CountAsync(Queue, _ct));
    }

    [Fact]
    public async Task Two_hundred_parallel_enqueues_are_all_visible_and_share_commits()
    {
        var jobs = Enumerable.Range(0, 200).Select(_ => TestData.Job()).ToList();
        long commitsBefore = _store.QueueDatabase.Commits;

        await Task.WhenAll(jobs.Select(job => Task.Run(() => _store.Queue.EnqueueAsync(Queue, job, null, _ct))));

        long commits = _store.QueueDatabase.Commits - commitsBefore;
        Assert.InRange(commits, 1, jobs.Count - 1);
        Assert.Equal(200, await _store.Queue.CountAsync(Queue, _ct));
        var leased = new List<LeasedJob>();
        while (await _store.Queue.LeaseAsync(Queue, 64, Lease, _ct) is { Count: > 0 } batch) leased.AddRange(batch);
        Assert.Equal(jobs.Select(j => j.JobId).Order(), leased.Select(l => l.Job.JobId).Order());
    }

    [Fact]
    public async Task Polling_an_empty_queue_commits_nothing()
    {
        long commitsBefore = _store.QueueDatabase.Commits;

        for (int i = 0; i < 20; i++) Assert.Empty(await _store.Queue.LeaseAsync(Queue, 10, Lease, _ct));

        Assert.Equal(commitsBefore, _store.QueueDatabase.Commits);
    }

    [Fact]
    public async Task Queue_writes_do_not_touch_the_mail_database()
    {
        long mailCommits = _store.MailDatabase.Commits;

        await _store.Queue.EnqueueAsync(Queue, TestData.Job(), null, _ct);

        Assert.Equal(mailCommits, _store.MailDatabase.Commits);
        Assert.NotEqual(_store.MailDatabase.Path, _store.QueueDatabase.Path);
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }
}
