using CloudMail.Core.DeliveryLog;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The retention timer over the embedded backend (the Azure backend passes the same delivery-log and idempotency
/// contracts on Azurite): a message delivered by the inbound function keeps its delivery log for the retention
/// (30 days by default), and the first run after that forgets it.
/// </summary>
public sealed class RetentionTimerFunctionTests : IAsyncLifetime
{
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task RunTimerAsync() => _h.Get<RetentionTimerFunction>().RunAsync(new TimerInfo(), CancellationToken.None);

    [Fact]
    public async Task A_delivered_messages_log_is_kept_for_thirty_days_and_forgotten_by_the_next_run()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        Assert.Equal("complete", (await _h.RunInboundAsync(_h.Message(job))).Single.Action);
        var log = _h.Get<IDeliveryLog>();
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await log.GetAsync(job.MessageId, CancellationToken.None)).Status);

        _h.Clock.Advance(TimeSpan.FromDays(29));
        await RunTimerAsync();
        Assert.Single(await log.GetAsync(job.MessageId, CancellationToken.None));

        _h.Clock.Advance(TimeSpan.FromDays(2));
        await RunTimerAsync();
        Assert.Empty(await log.GetAsync(job.MessageId, CancellationToken.None));
        Assert.Empty(await log.GetAttemptsAsync(job.MessageId, CancellationToken.None));
    }
}
