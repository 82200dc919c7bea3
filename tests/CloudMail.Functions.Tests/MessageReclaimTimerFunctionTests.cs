using CloudMail.Core.Blobs;
using CloudMail.Core.Intake;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The reclaim timer over the embedded backend (the Azure backend passes the same reclaim contract on Azurite): a
/// message delivered by the inbound function and then expunged is deleted by the next run, not before its expunge.
/// </summary>
public sealed class MessageReclaimTimerFunctionTests : IAsyncLifetime
{
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task RunTimerAsync() => _h.Get<MessageReclaimTimerFunction>().RunAsync(new TimerInfo(), CancellationToken.None);

    [Fact]
    public async Task A_delivered_message_is_deleted_by_the_run_after_it_is_expunged()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        Assert.Equal("complete", (await _h.RunInboundAsync(_h.Message(job))).Single.Action);
        MessageRecord delivered = Assert.Single(await _h.InboxAsync(user));

        await RunTimerAsync();
        Assert.True(await _h.Blobs.ExistsAsync(job.Blob.Id, CancellationToken.None));

        await _h.Get<IMailboxIndex>().ExpungeAsync(user, DefaultMailboxes.Inbox, [delivered.Uid], CancellationToken.None);
        await RunTimerAsync();

        Assert.False(await _h.Blobs.ExistsAsync(job.Blob.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_run_removes_staging_blobs_older_than_a_day_and_keeps_younger_ones()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string crashed = MessageIds.TimePrefix(now.AddDays(-2)) + MessageIds.New()[MessageIds.TimePrefixLength..] + MessageIntake.StagingSuffix;
        string inProgress = MessageIds.New() + MessageIntake.StagingSuffix;
        foreach (string id in new[] { crashed, inProgress })
        {
            await using IBlobWriter writer = _h.Blobs.CreateWriter(id);
            await writer.WriteAsync(new byte[300], CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        await RunTimerAsync();

        Assert.False(await _h.Blobs.ExistsAsync(crashed, CancellationToken.None));
        Assert.True(await _h.Blobs.ExistsAsync(inProgress, CancellationToken.None));
    }
}
