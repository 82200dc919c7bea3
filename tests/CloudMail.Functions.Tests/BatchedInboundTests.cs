using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;

namespace CloudMail.Functions.Tests;

/// <summary>The inbound trigger receives batches: every message of a batch is routed and settled on its own.</summary>
public sealed class BatchedInboundTests : IAsyncLifetime
{
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_batch_routes_each_message_and_a_poison_message_among_them_is_dead_lettered_alone()
    {
        string alice = await _h.NewUserAsync(), bob = await _h.NewUserAsync();
        var jobs = new[]
        {
            await _h.AcceptAsync("sender@remote.example", alice),
            await _h.AcceptAsync("sender@remote.example", bob),
            await _h.AcceptAsync("sender@remote.example", alice, bob),
        };
        var poison = FunctionsHarness.Message(BinaryData.FromString("not a job"), "poison-1");
        var actions = new RecordingMessageActions();

        await _h.Get<InboundFunction>().RunAsync([.. jobs.Select(j => _h.Message(j)), poison], actions, CancellationToken.None);

        Assert.Equal(
            jobs.Select(j => ("complete", j.JobId)).Append(("deadletter", "poison-1")).Order(),
            actions.Calls.Select(c => (c.Action, c.MessageId)).Order());
        Assert.Equal(DeadLetterReasons.Poison, actions.Calls.Single(c => c.Action == "deadletter").Reason);
        Assert.Equal(2, (await _h.InboxAsync(alice)).Count);
        Assert.Equal(2, (await _h.InboxAsync(bob)).Count);
        Assert.Empty(_h.RetriesSent(QueueNames.Inbound));
    }
}
