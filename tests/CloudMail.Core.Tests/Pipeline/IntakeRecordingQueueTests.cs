using CloudMail.Core.Blobs;
using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.Tests.SendApi.Fakes;

namespace CloudMail.Core.Tests.Pipeline;

/// <summary>
/// <see cref="IntakeRecordingQueue"/>: an intake job's marker is recorded at the envelope's acceptance time, so the
/// host that routes the job can name the marker from the job alone (<see cref="IntakeRecordingQueue.MarkerOf"/>).
/// </summary>
public sealed class IntakeRecordingQueueTests
{
    private static readonly DateTimeOffset Accepted = new DateTimeOffset(2025, 3, 14, 9, 59, 59, TimeSpan.Zero).AddTicks(1234567);

    private readonly InMemoryIntakeOutbox _outbox = new();
    private readonly InMemoryMailQueue _inner = new();
    private readonly FixedClock _clock = new(Accepted.AddMinutes(5)); // a later hour than the acceptance
    private readonly IntakeRecordingQueue _queue;

    private readonly CapturingLogger<IntakeRecordingQueue> _logger = new();

    public IntakeRecordingQueueTests() => _queue = new IntakeRecordingQueue(_inner, _outbox, _clock, _logger);

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

        var marker = Assert.Single(_outbox.Markers);
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
        await _outbox.RemoveAsync(IntakeRecordingQueue.MarkerOf(delivered), CancellationToken.None);

        Assert.Empty(_outbox.Markers);
    }

    [Fact]
    public async Task MarkerOf_does_not_name_a_marker_the_sweeper_rewrote()
    {
        var job = Job(Accepted);
        await _queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None);
        var requeued = new IntakeMarker(job, _clock.GetUtcNow(), 1);
        await _outbox.RecordAsync(requeued, CancellationToken.None);
        await _outbox.RemoveAsync(Assert.Single(_outbox.Markers, m => m.Requeues == 0), CancellationToken.None);

        await _outbox.RemoveAsync(IntakeRecordingQueue.MarkerOf(job), CancellationToken.None);

        Assert.Equal(requeued, Assert.Single(_outbox.Markers));
    }

    [Fact]
    public async Task An_envelope_without_an_acceptance_time_is_recorded_at_the_clocks_time()
    {
        var job = Job(default);

        await _queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None);

        Assert.Equal(_clock.GetUtcNow(), Assert.Single(_outbox.Markers).RecordedAt);
    }

    [Theory]
    [InlineData(QueueNames.Outbound, null)]
    [InlineData(QueueNames.Inbound, "retry-of-something-else")]
    public async Task Jobs_other_than_intake_jobs_write_no_marker(string queue, string? jobId)
    {
        var job = Job(Accepted);
        job = job with { JobId = jobId ?? job.MessageId + ":outbound" };

        await _queue.EnqueueAsync(queue, job, null, CancellationToken.None);

        Assert.Empty(_outbox.Markers);
        Assert.Single(_inner.Waiting);
    }

    [Fact]
    public async Task A_failed_enqueue_removes_the_marker_and_rethrows()
    {
        var queue = new IntakeRecordingQueue(new FailingQueue(), _outbox, _clock, _logger);

        await Assert.ThrowsAsync<IOException>(() => queue.EnqueueAsync(QueueNames.Inbound, Job(Accepted), null, CancellationToken.None));

        Assert.Empty(_outbox.Markers);
    }

    [Fact]
    public async Task A_marker_that_cannot_be_removed_after_a_failed_enqueue_is_logged_as_a_warning_without_the_error_text()
    {
        var outbox = new RemovalFailsOutbox(_outbox);
        var queue = new IntakeRecordingQueue(new FailingQueue(), outbox, _clock, _logger);
        var job = Job(Accepted);

        await Assert.ThrowsAsync<IOException>(() => queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None));

        Assert.Single(_outbox.Markers); // left for the sweep
        var (level, message, exception) = Assert.Single(_logger.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, level);
        Assert.Contains(job.MessageId, message);
        Assert.Contains(nameof(UnauthorizedAccessException), message);
        Assert.DoesNotContain(RemovalFailsOutbox.Secret, message);
        Assert.Null(exception);
    }

    [Fact]
    public async Task A_failed_enqueue_whose_marker_is_removed_logs_nothing()
    {
        var queue = new IntakeRecordingQueue(new FailingQueue(), _outbox, _clock, _logger);

        await Assert.ThrowsAsync<IOException>(() => queue.EnqueueAsync(QueueNames.Inbound, Job(Accepted), null, CancellationToken.None));

        Assert.Empty(_logger.Entries);
    }

    /// <summary>Records into <paramref name="inner"/>; every removal fails with an error whose text quotes a secret.</summary>
    private sealed class RemovalFailsOutbox(IIntakeOutbox inner) : IIntakeOutbox
    {
        public const string Secret = "AccountKey=c2VjcmV0";

        public Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken) => inner.RecordAsync(marker, cancellationToken);

        public Task<IReadOnlyList<IntakeMarker>> ListRecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken) =>
            inner.ListRecordedBeforeAsync(cutoff, max, cancellationToken);

        public Task RemoveAsync(IntakeMarker marker, CancellationToken cancellationToken) =>
            throw new UnauthorizedAccessException("injected: denied for " + Secret);
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
    }
}
