using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The stuck-intake timer over the embedded backend's real intake outbox (SQLite): a message accepted (blob stored,
/// intake marker written) whose job never reached the queue is found, enqueued again and then delivered; routed messages
/// only lose their marker.
/// </summary>
public sealed class StuckIntakeTimerFunctionTests : IAsyncLifetime
{
    private static readonly TimerInfo Tick = new();

    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task SweepAsync() => _h.Get<StuckIntakeTimerFunction>().RunAsync(Tick, CancellationToken.None);

    [Fact]
    public async Task A_message_accepted_but_never_queued_is_requeued_and_delivered_once()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        await _h.Outbox.RecordAsync(new IntakeMarker(job, _h.Clock.GetUtcNow(), 0), CancellationToken.None);

        await SweepAsync();
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound)); // not stale yet

        _h.Clock.Advance(TimeSpan.FromMinutes(31));
        await SweepAsync();

        var requeued = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Inbound));
        // A fresh MessageId: Service Bus would drop the original job's id as a duplicate within its window.
        Assert.Equal(job.MessageId + ":requeue:1", requeued.JobId);
        Assert.NotEqual(job.JobId, requeued.JobId);
        var marker = Assert.Single(await _h.MarkersAsync());
        Assert.Equal(1, marker.Requeues);
        Assert.Equal(_h.Clock.GetUtcNow(), marker.RecordedAt);
        Assert.Equal("complete", (await _h.RunInboundAsync(_h.Message(requeued))).Single.Action);
        Assert.Single(await _h.InboxAsync(user));
        // The requeue's marker has the sweep's time, not the acceptance time: routing does not match it, the sweep does.
        Assert.Equal(1, Assert.Single(await _h.MarkersAsync()).Requeues);

        _h.Clock.Advance(TimeSpan.FromMinutes(31));
        await SweepAsync();

        Assert.Empty(await _h.MarkersAsync());
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound));
        Assert.Single(await _h.InboxAsync(user));
    }

    [Fact]
    public async Task Each_requeue_of_a_message_lost_again_carries_a_new_job_id()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        await _h.Outbox.RecordAsync(new IntakeMarker(job, _h.Clock.GetUtcNow(), 0), CancellationToken.None);

        var jobIds = new List<string>();
        for (int round = 0; round < 2; round++)
        {
            _h.Clock.Advance(TimeSpan.FromMinutes(31));
            await SweepAsync();
            jobIds.Add(Assert.Single(await _h.TakeVisibleAsync(QueueNames.Inbound)).JobId); // taken and lost again
        }

        Assert.Equal([job.MessageId + ":requeue:1", job.MessageId + ":requeue:2"], jobIds);
        Assert.Equal(2, Assert.Single(await _h.MarkersAsync()).Requeues);
    }

    [Fact]
    public async Task Enqueueing_an_intake_job_writes_its_marker_and_routing_removes_it_before_any_sweep()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);

        await _h.Queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None);

        Assert.Equal(job.JobId, Assert.Single(await _h.MarkersAsync()).Job.JobId);
        var queued = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Inbound));
        await _h.RunInboundAsync(_h.Message(queued));
        Assert.Empty(await _h.MarkersAsync());

        _h.Clock.Advance(TimeSpan.FromMinutes(31));
        await SweepAsync();

        Assert.Empty(await _h.MarkersAsync());
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound));
    }

    [Fact]
    public async Task A_marker_whose_blob_is_gone_is_dropped_without_requeueing()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        await _h.Outbox.RecordAsync(new IntakeMarker(job, _h.Clock.GetUtcNow(), 0), CancellationToken.None);
        await _h.Blobs.DeleteAsync(job.Blob.Id, CancellationToken.None);

        _h.Clock.Advance(TimeSpan.FromMinutes(31));
        await SweepAsync();

        Assert.Empty(await _h.MarkersAsync());
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound));
    }

    [Fact]
    public async Task The_sweep_gives_up_after_the_requeue_limit()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        await _h.Outbox.RecordAsync(new IntakeMarker(job, _h.Clock.GetUtcNow(), 3), CancellationToken.None);

        _h.Clock.Advance(TimeSpan.FromMinutes(31));
        await SweepAsync();

        Assert.Empty(await _h.MarkersAsync());
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound));
    }

    [Fact]
    public async Task A_failed_enqueue_removes_the_marker_it_wrote_and_rethrows()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        var queue = new IntakeRecordingQueue(new UnavailableQueue(), _h.Outbox, _h.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<IntakeRecordingQueue>.Instance);

        await Assert.ThrowsAsync<IOException>(() => queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None));

        Assert.Empty(await _h.MarkersAsync());
    }

    [Fact]
    public async Task A_failed_requeue_leaves_the_marker_for_the_next_sweep()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        var marker = new IntakeMarker(job, _h.Clock.GetUtcNow(), 0);
        await _h.Outbox.RecordAsync(marker, CancellationToken.None);
        var sweeper = new StuckIntakeSweeper(_h.Outbox, _h.Get<CloudMail.Core.DeliveryLog.IDeliveryLog>(), _h.Blobs, new UnavailableQueue(), _h.Clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<StuckIntakeSweeper>.Instance);
        _h.Clock.Advance(TimeSpan.FromMinutes(31));

        await Assert.ThrowsAsync<IOException>(() => sweeper.SweepAsync(new SweepLimits(TimeSpan.FromMinutes(30), 10, 3), CancellationToken.None));

        var left = Assert.Single(await _h.MarkersAsync());
        Assert.Equal((marker.Job.MessageId, marker.RecordedAt, marker.Requeues), (left.Job.MessageId, left.RecordedAt, left.Requeues));
    }

    /// <summary>A queue whose broker is down (only EnqueueAsync is called here).</summary>
    private sealed class UnavailableQueue : IMailQueue
    {
        public Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken) =>
            throw new IOException("injected: queue unavailable");
    }
}
