using CloudMail.Core.Filtering.Training;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// The Azure listener prunes the spam-training table itself (the Functions app's identity may not touch it): a signal
/// taught long ago disappears, a pending one of the same age stays. The table is shared with every test project of the
/// run, so this test's signals are from 1975 and its retention reaches back only to 1976: nobody else's rows are older.
/// </summary>
public sealed class AzureListenerRetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Cutoff = new(1976, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private AzureListenerServer _server = null!;

    public async Task InitializeAsync() => _server = await AzureListenerServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["CloudMail:Retention:SpamTraining"] = ((int)(DateTimeOffset.UtcNow - Cutoff).TotalDays).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".00:00:00",
        ["CloudMail:Retention:Interval"] = "00:00:01",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Old_signals_done_with_are_forgotten_by_the_listener_and_pending_ones_kept()
    {
        var store = _server.Services.GetRequiredService<ISpamTrainingStore>();
        string account = $"u{Guid.NewGuid():N}@example.test";
        var longAgo = new DateTimeOffset(1975, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var learned = new TrainingSignal(Guid.NewGuid().ToString("N"), account, TrainingKind.Spam, CloudMail.Core.Messages.MessageIds.New(), "INBOX", "Junk", longAgo);
        var pending = learned with { Id = Guid.NewGuid().ToString("N"), BlobId = CloudMail.Core.Messages.MessageIds.New(), RecordedAt = longAgo.AddSeconds(1) };
        await store.RecordAsync(learned, CancellationToken.None);
        await store.RecordAsync(pending, CancellationToken.None);
        await store.UpdateAsync(learned with { State = TrainingState.Learned, Attempts = 1 }, CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await store.ListAsync(account, 10, CancellationToken.None)).Count > 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the listener did not forget a spam-training signal past its retention");
            await Task.Delay(200);
        }
        Assert.Equal(pending.Id, Assert.Single(await store.ListAsync(account, 10, CancellationToken.None)).Id);
    }
}
