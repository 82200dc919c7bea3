using CloudMail.Core.DeliveryLog;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary><c>cloudmail retention sweep</c> through the admin command dispatcher on the admin host's embedded storage.</summary>
public sealed class RetentionCommandsTests : IAsyncDisposable
{
    private readonly AdminHost _admin = new();

    public ValueTask DisposeAsync() => _admin.DisposeAsync();

    [Fact]
    public async Task A_sweep_forgets_an_old_settled_message_keeps_a_recent_one_and_says_so()
    {
        var log = _admin.Get<IDeliveryLog>();
        var longAgo = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await log.RecordAsync(new DeliveryRecord("old1", "bob@a.test", DeliveryStatus.Delivered, 1, "250 ok", longAgo), CancellationToken.None);
        await log.RecordAsync(new DeliveryRecord("new1", "bob@a.test", DeliveryStatus.Delivered, 1, "250 ok", DateTimeOffset.UtcNow), CancellationToken.None);

        var (code, output, _) = await _admin.RunAsync("retention", "sweep");

        Assert.Equal(0, code);
        Assert.Contains("delivery log: 1 messages forgotten", output, StringComparison.Ordinal);
        Assert.Equal(1, (await _admin.RunAsync("trace", "old1")).Code);
        Assert.Equal(0, (await _admin.RunAsync("trace", "new1")).Code);
        Assert.Equal(2, (await _admin.RunAsync("retention")).Code);
    }
}
