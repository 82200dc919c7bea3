using CloudMail.Core.DeliveryLog;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Filtering.Tests;

/// <summary>Reads a message's delivery-log record from a running test server, as <c>cloudmail trace</c> shows it.</summary>
internal static class DeliveryLogPoller
{
    /// <summary>
    /// The one delivery-log record of <paramref name="messageId"/>, waited for: the inbound stage writes it just after the
    /// append a mailbox poll sees, so reading it the moment the message shows up raced it (it failed now and then). Waits up
    /// to a minute: the suite's servers share two cores, and a stalled server can be tens of seconds late.
    /// </summary>
    public static async Task<DeliveryRecord> SingleAsync(TestServer server, string messageId)
    {
        var log = server.Get<IDeliveryLog>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var records = await log.GetAsync(messageId, CancellationToken.None);
            if (records.Count > 0 || waited.Elapsed > TimeSpan.FromSeconds(60)) return Assert.Single(records);
            await Task.Delay(50);
        }
    }
}
