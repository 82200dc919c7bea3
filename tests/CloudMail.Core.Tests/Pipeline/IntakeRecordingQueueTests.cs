using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.Storage;
using CloudMail.Core.Tests.SendApi.Fakes;

namespace CloudMail.Core.Tests.Pipeline;

/// <summary>
/// <see cref="IntakeRecordingQueue"/>: an intake job's marker is recorded at the envelope's acceptance time, so the
/// host that routes the job can name the marker from the job alone (<see cref="IntakeRecordingQueue.MarkerOf"/>).
/// </summary>
public sealed class IntakeRecordingQueueTests
{
    private static readonly DateTimeOffset Accepted = new DateTimeOffset(2025, 3, 14, 9, 59, 59, TimeSpan.Zero).AddTicks(1234567);

    private readonly InMemoryIntakeLedger _ledger = new();
    private readonly InMemoryMailQueue _inner = new();
    private readonly FixedClock _clock = new(Accepted.AddMinutes(5)); // a later hour than the acceptance
    private readonly IntakeRecordingQueue _queue;

    public IntakeRecordingQueueTests() => _queue = new IntakeRecordingQueue(_inner, _ledger, _clock);

    private static MailJob Job(DateTimeOffset receivedAt, string? jobId = null)
    {
        string id = MessageIds.New();
        var envelope = new Envelope("sender@remote.example", ["user@example.test"], null, "192.0.2.10", "client.example", receivedAt);
        return new MailJob(jobId ?? id, id, new BlobRef(id, 100, new string('0', 64)), envelope);
    }

    [Fact]
    public async Task An_intake_job_is_recorded_at_its_envelopes_acceptance_time_not_the_clocks()
    {
        var job = Job(Accepted);

        await _queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None);

        var marker = Assert.Single(_ledger.Markers);
        Assert.Equal(Accepted, marker.RecordedAt);
        Assert.Equal(0, marker.Requeues);
        Assert.Same(job, marker.Job);
        Assert.Single(_inner.Waiting);
    }

    [Fact]
    public async Task MarkerOf_the_job_names_the_recorded_marker_so_removing_it_leaves_none()
    {
        var job = Job(Accepted);
        await _queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None);

        // What the routing side has: the job as delivered, a copy with an equal envelope.
        var delivered = job with { Envelope = job.Envelope with { Recipients = [.. job.Envelope.Recipients] } };
        await _ledger.RemoveAsync(IntakeRecordingQueue.MarkerOf(delivered), CancellationToken.None);

        Assert.Empty(_ledger.Markers);
    }

    [Fact]
    public async Task MarkerOf_does_not_name_a_marker_the_sweeper_rewrote()
    {
        var job = Job(Accepted);
        await _queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None);
        var requeued = new IntakeMarker(job, _clock.GetUtcNow(), 1);
        await _ledger.RecordAsync(requeued, CancellationToken.None);
        await _ledger.RemoveAsync(Assert.Single(_ledger.Markers, m => m.Requeues == 0), CancellationToken.None);

        await _ledger.RemoveAsync(IntakeRecordingQueue.MarkerOf(job), CancellationToken.None);

        Assert.Equal(requeued, Assert.Single(_ledger.Markers));
    }

    [Fact]
    public async Task An_envelope_without_an_acceptance_time_is_recorded_at_the_clocks_time()
    {
        var job = Job(default);

        await _queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None);

        Assert.Equal(_clock.GetUtcNow(), Assert.Single(_ledger.Markers).RecordedAt);
    }

    [Theory]
    [InlineData(QueueNames.Outbound, null)]
    [InlineData(QueueNames.Inbound, "retry-of-something-else")]
    public async Task Jobs_other_than_intake_jobs_write_no_marker(string queue, string? jobId)
    {
        var job = Job(Accepted);
        job = job with { JobId = jobId ?? job.MessageId + ":outbound" };

        await _queue.EnqueueAsync(queue, job, null, CancellationToken.None);

        Assert.Empty(_ledger.Markers);
        Assert.Single(_inner.Waiting);
    }

    [Fact]
    public async Task A_failed_enqueue_removes_the_marker_and_rethrows()
    {
        var queue = new IntakeRecordingQueue(new FailingQueue(), _ledger, _clock);

        await Assert.ThrowsAsync<IOException>(() => queue.EnqueueAsync(QueueNames.Inbound, Job(Accepted), null, CancellationToken.None));

        Assert.Empty(_ledger.Markers);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Only EnqueueAsync is called, and it fails as a broker outage would.</summary>
    private sealed class FailingQueue : IMailQueue
    {
        public Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken) =>
            throw new IOException("injected: queue unavailable");

        public Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int maxJobs, TimeSpan leaseDuration, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> CompleteAsync(string queue, LeasedJob job, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> RetryAsync(string queue, LeasedJob job, TimeSpan retryAfter, string reason, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeadLetterAsync(string queue, LeasedJob job, string reason, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> CountAsync(string queue, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<DeadLetteredJob>> ListDeadLettersAsync(string queue, int max, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
