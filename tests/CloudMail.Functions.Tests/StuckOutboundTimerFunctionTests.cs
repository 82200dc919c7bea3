using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The stuck-outbound timer over the embedded backend's real outbound ledger (SQLite) and queue: an outbound job the queue
/// dead-lettered on its own while its remote recipient is still pending is found after the threshold, enqueued again with
/// a fresh job id and delivered; a job the outbound stage settled leaves no entry behind, so the sweep finds nothing.
/// </summary>
public sealed class StuckOutboundTimerFunctionTests : IAsyncLifetime
{
    private const string Remote = "friend@remote.example";
    private static readonly TimerInfo Tick = new();

    private readonly RecordingOutboundTransport _transport = new();
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync(
        new Dictionary<string, string?> { ["CloudMail:Pipeline:StuckOutboundAfter"] = "01:00:00", ["CloudMail:Delivery:DeliveryTimeout"] = "00:30:00", ["CloudMail:Pipeline:StuckOutboundMaxRequeues"] = "1" },
        services => services.AddSingleton<IOutboundTransport>(_transport));

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task SweepAsync() => _h.Get<StuckOutboundTimerFunction>().RunAsync(Tick, CancellationToken.None);

    private Task<IReadOnlyList<OutboundLedgerEntry>> EntriesAsync() =>
        _h.Get<OutboundLedger>().ListDueBeforeAsync(DateTimeOffset.MaxValue, 100, CancellationToken.None);

    /// <summary>An outbound job enqueued as the inbound stage does (through the app's queue), with its recipient pending.</summary>
    private async Task<MailJob> EnqueueOutboundAsync()
    {
        var accepted = await _h.AcceptAsync(await _h.NewUserAsync(), Remote);
        var job = accepted with { JobId = accepted.MessageId + ":outbound", Recipients = [Remote] };
        await _h.Get<IDeliveryLog>().RecordAsync(new DeliveryRecord(job.MessageId, Remote, DeliveryStatus.Pending, 1, "queued for remote delivery",
            _h.Clock.GetUtcNow()), CancellationToken.None);
        await _h.Queue.EnqueueAsync(QueueNames.Outbound, job, null, CancellationToken.None);
        return job;
    }

    /// <summary>Leases the job and dead-letters it, as the broker does after too many lock expiries.</summary>
    private async Task LoseAsync(string jobId)
    {
        var queue = _h.Get<ILeasedMailQueue>();
        var leased = Assert.Single(await queue.LeaseAsync(QueueNames.Outbound, 10, TimeSpan.FromMinutes(5), CancellationToken.None), l => l.Job.JobId == jobId);
        Assert.True(await queue.DeadLetterAsync(QueueNames.Outbound, leased, "MaxDeliveryCountExceeded", CancellationToken.None));
    }

    [Fact]
    public async Task An_outbound_job_lost_with_its_recipient_pending_is_requeued_with_a_fresh_id_and_delivered()
    {
        var job = await EnqueueOutboundAsync();
        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal((job.JobId, job.MessageId, _h.Clock.GetUtcNow()), (entry.Job.JobId, entry.Job.MessageId, entry.DueAt));
        await LoseAsync(job.JobId);

        _h.Clock.Advance(TimeSpan.FromMinutes(59));
        await SweepAsync();
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Outbound)); // not stale yet

        _h.Clock.Advance(TimeSpan.FromMinutes(2));
        await SweepAsync();

        var requeued = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Equal(job.JobId + ":requeue:1", requeued.JobId);
        Assert.Equal(1, Assert.Single(await EntriesAsync()).Requeues);
        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(requeued))).Single.Action);

        Assert.Single(_transport.Calls);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None)).Status);
        Assert.Empty(await EntriesAsync()); // the stage removed the requeue's entry
    }

    [Fact]
    public async Task A_job_the_outbound_stage_settled_leaves_no_entry_and_is_never_requeued()
    {
        var job = await EnqueueOutboundAsync();
        var taken = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Equal(_h.Clock.GetUtcNow(), taken.LedgeredAt);

        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(taken))).Single.Action);
        Assert.Empty(await EntriesAsync());

        _h.Clock.Advance(TimeSpan.FromHours(3));
        await SweepAsync();
        // (The harness's lease of the original has run out: that copy is visible again; no requeue was made.)
        Assert.DoesNotContain(await _h.TakeVisibleAsync(QueueNames.Outbound), j => j.JobId.Contains(":requeue:", StringComparison.Ordinal));
        Assert.Equal([Remote], _transport.Recipients);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_retry_job_is_due_at_its_scheduled_time_so_waiting_for_it_is_not_stuck()
    {
        _transport.Script(Remote, (RecipientOutcome.Transient, "451 4.7.1 greylisted"));
        await EnqueueOutboundAsync();
        var taken = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(taken))).Single.Action);
        var retryEntry = Assert.Single(await EntriesAsync());
        Assert.Equal(taken.MessageId + ":outbound:1", retryEntry.Job.JobId);
        Assert.True(retryEntry.DueAt > _h.Clock.GetUtcNow());

        _h.Clock.Advance(TimeSpan.FromMinutes(61));
        await SweepAsync();

        var left = Assert.Single(await EntriesAsync());
        Assert.Equal((retryEntry.Job.JobId, retryEntry.DueAt, 0), (left.Job.JobId, left.DueAt, left.Requeues));
        Assert.DoesNotContain(await _h.TakeVisibleAsync(QueueNames.Outbound), j => j.JobId.Contains(":requeue:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_lost_again_after_its_last_requeue_is_given_up_and_its_entry_removed()
    {
        var job = await EnqueueOutboundAsync();
        await LoseAsync(job.JobId);
        _h.Clock.Advance(TimeSpan.FromMinutes(61));
        await SweepAsync();
        await LoseAsync(job.JobId + ":requeue:1");

        _h.Clock.Advance(TimeSpan.FromMinutes(61));
        await SweepAsync();

        Assert.Empty(await EntriesAsync());
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Empty(_transport.Calls);
    }
}
