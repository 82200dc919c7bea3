using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Queueing;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using CloudMail.Storage.Azure.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The inbound function removes a message's intake marker (in the embedded backend's real SQLite outbox) as soon as it
/// has routed the message, rebuilding the marker's key from the job it was given; every other outcome, and a failing
/// removal, leaves the marker to the stuck-intake sweep.
/// </summary>
public sealed class IntakeMarkerRemovalTests : IAsyncLifetime
{
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Accepts a message for a new local user and enqueues its job through the decorated queue, as the send API does.</summary>
    private async Task<(string User, MailJob Job)> AcceptAndEnqueueAsync()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        await _h.Queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None);
        Assert.Equal(job.JobId, Assert.Single(await _h.TakeVisibleAsync(QueueNames.Inbound)).JobId);
        return (user, job);
    }

    [Fact]
    public async Task The_marker_is_recorded_at_the_envelopes_acceptance_time()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        _h.Clock.Advance(TimeSpan.FromSeconds(3)); // the enqueue happens a little after the envelope was stamped

        await _h.Queue.EnqueueAsync(QueueNames.Inbound, job, null, CancellationToken.None);

        var marker = Assert.Single(await _h.MarkersAsync());
        Assert.Equal(job.Envelope.ReceivedAt, marker.RecordedAt);
        Assert.Equal(IntakeRecordingQueue.MarkerOf(job).RecordedAt, marker.RecordedAt);
    }

    [Fact]
    public async Task A_routed_job_leaves_no_marker()
    {
        var (user, job) = await AcceptAndEnqueueAsync();
        _h.Clock.Advance(TimeSpan.FromMinutes(2)); // routing happens later than acceptance: the key comes from the job

        var actions = await _h.RunInboundAsync(_h.Message(job));

        Assert.Equal("complete", actions.Single.Action);
        Assert.Single(await _h.InboxAsync(user));
        Assert.Empty(await _h.MarkersAsync());
    }

    [Fact]
    public async Task A_message_in_the_adapters_wire_format_is_matched_to_its_marker()
    {
        // The job is read back from Service Bus JSON: its envelope time must name the marker to the tick.
        var (_, job) = await AcceptAndEnqueueAsync();
        var sent = ServiceBusJobMessages.ForEnqueue(job, _h.Clock.GetUtcNow());

        await _h.RunInboundAsync(FunctionsHarness.Message(sent.Body, sent.MessageId));

        Assert.Empty(await _h.MarkersAsync());
    }

    [Fact]
    public async Task A_transient_failure_keeps_the_marker_and_the_successful_retry_removes_it()
    {
        var (user, job) = await AcceptAndEnqueueAsync();
        _h.Blobs.FailuresLeft = 1;

        var first = await _h.RunInboundAsync(_h.Message(job));

        Assert.Equal("complete", first.Single.Action); // rescheduled: retry copy sent, original completed
        var copy = Assert.Single(_h.RetriesSent(QueueNames.Inbound));
        var kept = Assert.Single(await _h.MarkersAsync());
        Assert.Equal((job.MessageId, job.Envelope.ReceivedAt, 0), (kept.Job.MessageId, kept.RecordedAt, kept.Requeues));

        await _h.RunInboundAsync(FunctionsHarness.Received(copy));

        Assert.Single(await _h.InboxAsync(user));
        Assert.Empty(await _h.MarkersAsync());
    }

    [Fact]
    public async Task A_dead_lettered_job_keeps_the_marker()
    {
        var (_, job) = await AcceptAndEnqueueAsync();
        await _h.Blobs.DeleteAsync(job.Blob.Id, CancellationToken.None);

        var actions = await _h.RunInboundAsync(_h.Message(job));

        Assert.Equal(DeadLetterReasons.Permanent, actions.Single.Reason);
        Assert.Single(await _h.MarkersAsync());
    }

    [Fact]
    public async Task A_failing_removal_still_completes_the_job_and_logs_a_warning_without_the_body()
    {
        var (user, job) = await AcceptAndEnqueueAsync();
        var logger = new CapturingLogger<IntakeMarkerRemoval>();
        var stage = new InboundStage(_h.Get<InboundProcessor>(), new IntakeMarkerRemoval(new RemovalFailsOutbox(_h.Outbox), logger));
        var function = new InboundFunction(stage, _h.Get<ServiceBusStageInvoker>());
        var actions = new RecordingMessageActions();

        await function.RunAsync([_h.Message(job)], actions, CancellationToken.None);

        Assert.Equal(new Settled("complete", job.JobId, null, null), actions.Single);
        Assert.Empty(_h.RetriesSent(QueueNames.Inbound));
        Assert.Single(await _h.InboxAsync(user));
        var warning = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(job.MessageId, warning.Message);
        Assert.DoesNotContain("Hello from the Functions tests", warning.Message);
        Assert.IsType<IOException>(warning.Exception);
        // Left for the sweep, which finds the message routed.
        Assert.Single(await _h.MarkersAsync());
        _h.Clock.Advance(TimeSpan.FromMinutes(31));
        var swept = await _h.Get<StuckIntakeSweeper>().SweepAsync(new SweepLimits(TimeSpan.FromMinutes(30), 10, 3), CancellationToken.None);
        Assert.Equal(1, swept.Routed);
        Assert.Empty(await _h.MarkersAsync());
    }

    /// <summary>The real outbox, except that removing fails as a storage outage would.</summary>
    private sealed class RemovalFailsOutbox(IIntakeOutbox inner) : IIntakeOutbox
    {
        public Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken) => inner.RecordAsync(marker, cancellationToken);

        public Task<IReadOnlyList<IntakeMarker>> ListRecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken) =>
            inner.ListRecordedBeforeAsync(cutoff, max, cancellationToken);

        public Task RemoveAsync(IntakeMarker marker, CancellationToken cancellationToken) => throw new IOException("injected: outbox unavailable");
    }
}
