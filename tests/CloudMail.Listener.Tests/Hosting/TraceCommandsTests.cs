using CloudMail.Core.DeliveryLog;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary><c>cloudmail trace ID</c> through the admin command dispatcher on the admin host's embedded storage.</summary>
public sealed class TraceCommandsTests : IAsyncDisposable
{
    private readonly AdminHost _admin = new();

    public ValueTask DisposeAsync() => _admin.DisposeAsync();

    [Fact]
    public async Task Trace_prints_each_recipients_state_and_last_reply_and_an_unknown_id_fails()
    {
        var at = new DateTimeOffset(2026, 12, 4, 7, 0, 0, TimeSpan.Zero);
        var log = _admin.Get<IDeliveryLog>();
        await log.RecordAsync(new DeliveryRecord("m1", "bob@a.test", DeliveryStatus.Delivered, 1, "250 2.0.0 delivered to local mailbox (junk; spam 6.1 (HTML_ONLY))", at), CancellationToken.None);
        await log.RecordAsync(new DeliveryRecord("m1", "x@remote.test", DeliveryStatus.Deferred, 2, "451 4.4.1 no host could be reached", at), CancellationToken.None);

        var (code, output, _) = await _admin.RunAsync("trace", "m1");

        Assert.Equal(0, code);
        Assert.Equal(
        [
            "bob@a.test  delivered  attempts 1  2026-12-04 07:00:00Z  250 2.0.0 delivered to local mailbox (junk; spam 6.1 (HTML_ONLY))",
            "x@remote.test  deferred  attempts 2  2026-12-04 07:00:00Z  451 4.4.1 no host could be reached",
            "  2026-12-04 07:00:00Z  bob@a.test  -  delivered  attempt 1  host -  250 2.0.0 delivered to local mailbox (junk; spam 6.1 (HTML_ONLY))",
            "  2026-12-04 07:00:00Z  x@remote.test  -  deferred  attempt 2  host -  451 4.4.1 no host could be reached",
        ], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.Equal(1, (await _admin.RunAsync("trace", "nope")).Code);
        Assert.Equal(2, (await _admin.RunAsync("trace")).Code);
    }

    [Fact]
    public async Task Trace_prints_every_attempt_with_stage_host_reply_and_next_try_oldest_first()
    {
        var at = new DateTimeOffset(2026, 12, 4, 7, 0, 0, TimeSpan.Zero);
        var log = _admin.Get<IDeliveryLog>();
        await log.RecordAsync(new DeliveryRecord("m2", "x@remote.test", DeliveryStatus.Pending, 0, "queued for remote delivery", at, DeliveryStages.Inbound), CancellationToken.None);
        await log.RecordAsync(new DeliveryRecord("m2", "x@remote.test", DeliveryStatus.Deferred, 1, "451 4.3.0 busy", at.AddSeconds(2), DeliveryStages.Outbound,
            "mx.remote.test", at.AddMinutes(5)), CancellationToken.None);
        await log.RecordAsync(new DeliveryRecord("m2", "x@remote.test", DeliveryStatus.Delivered, 2, "250 2.0.0 queued as 1A", at.AddMinutes(5), DeliveryStages.Outbound,
            "mx.remote.test"), CancellationToken.None);

        var (code, output, _) = await _admin.RunAsync("trace", "m2");

        Assert.Equal(0, code);
        Assert.Equal(
        [
            "x@remote.test  delivered  attempts 2  2026-12-04 07:05:00Z  250 2.0.0 queued as 1A",
            "  2026-12-04 07:00:00Z  x@remote.test  inbound  pending  attempt 0  host -  queued for remote delivery",
            "  2026-12-04 07:00:02Z  x@remote.test  outbound  deferred  attempt 1  host mx.remote.test  451 4.3.0 busy  next 2026-12-04 07:05:00Z",
            "  2026-12-04 07:05:00Z  x@remote.test  outbound  delivered  attempt 2  host mx.remote.test  250 2.0.0 queued as 1A",
        ], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }
}
