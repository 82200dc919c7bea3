using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;

namespace CloudMail.Functions.Tests;

/// <summary>The outbound function with its placeholder stage: honest about remote delivery not existing yet.</summary>
public sealed class OutboundFunctionTests : IAsyncLifetime
{
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task An_outbound_job_is_logged_as_deferred_and_rescheduled_with_backoff()
    {
        string user = await _h.NewUserAsync();
        var accepted = await _h.AcceptAsync(user, "friend@remote.example");
        var job = accepted with { JobId = accepted.MessageId + ":outbound", Recipients = ["friend@remote.example"] };

        var first = await _h.RunOutboundAsync(_h.Message(job));

        Assert.Equal("complete", first.Single.Action);
        var record = Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal(DeliveryStatus.Deferred, record.Status);
        Assert.Equal(1, record.Attempts);
        Assert.Equal(OutboundPlaceholderStage.NotImplementedReply, record.LastReply);
        var copy = Assert.Single(_h.RetriesSent(QueueNames.Outbound));
        Assert.Equal(job.JobId + "~r1", copy.MessageId);
        Assert.True(copy.ScheduledEnqueueTime >= _h.Clock.GetUtcNow() + OutboundPlaceholderStage.RetryAfter);

        await _h.RunOutboundAsync(FunctionsHarness.Received(copy));
        Assert.Equal(2, Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None)).Attempts);
    }

    [Fact]
    public async Task An_unreadable_outbound_body_is_dead_lettered_as_poison()
    {
        var actions = await _h.RunOutboundAsync(FunctionsHarness.Message(BinaryData.FromString("{"), "poison-2"));

        Assert.Equal(DeadLetterReasons.Poison, actions.Single.Reason);
    }
}
