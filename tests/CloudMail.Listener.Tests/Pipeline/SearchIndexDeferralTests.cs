using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Listener.Pipeline;
using CloudMail.Storage.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pipeline;

/// <summary>
/// The search indexer yields to mail traffic: while messages keep arriving nothing is indexed, the backlog is indexed once
/// arrivals pause, and under traffic that never pauses no message waits for the index longer than the deferral limit.
/// Real embedded storage and the real service, with its delays shortened.
/// </summary>
public sealed class SearchIndexDeferralTests : IAsyncLifetime
{
    private const string Account = "indexer@example.test";
    private AccountStorage _account = null!;

    private EmbeddedStorage _storage => _account.Storage;

    public async Task InitializeAsync() => _account = await AccountStorage.OpenAsync(Account, "index");

    public async Task DisposeAsync() => await _account.DisposeAsync();

    [Fact]
    public async Task A_burst_is_indexed_after_it_ends_and_nothing_during_it()
    {
        var settle = TimeSpan.FromSeconds(2);
        using var service = new SearchIndexService(_storage, NullLogger<SearchIndexService>.Instance)
        {
            SettleDelay = settle,
            MaxDeferral = TimeSpan.FromSeconds(60),
        };
        await service.StartAsync(CancellationToken.None);
        try
        {
            // The service's pass at start runs whenever the thread pool gets to it; on a loaded machine that can be just after
            // the burst's first message was committed and before its arrival was signalled, and then that message is indexed.
            // One message indexed before the burst puts that pass behind us.
            await AppendAsync(0);
            await WaitUntilAsync(async () => await _storage.CountPendingTextAsync(CancellationToken.None) == 0, TimeSpan.FromSeconds(30));
            // The indexer may run only once no message has arrived for the settle delay. A count is compared with the messages
            // added only when that cannot have happened since the count before: the gap from the previous arrival to this
            // one and the time from this arrival to the count both lie within the span from the start of the previous
            // append to the end of this count. When a stalled test host stretches that span, or the one before (a pass
            // started then may still be running), the indexer may have run, and the count is taken as it is.
            var quietLimit = settle - TimeSpan.FromMilliseconds(100);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            TimeSpan? previousAppend = null; // the message before the burst came long before: the first count is taken as it is
            bool previousQuiet = false;
            long expected = 0;
            int compared = 0;
            for (int i = 1; i <= 15; i++)
            {
                TimeSpan thisAppend = clock.Elapsed;
                await AppendAsync(i);
                expected++;
                await Task.Delay(100);
                long pending = await _storage.CountPendingTextAsync(CancellationToken.None);
                bool quiet = previousAppend is { } previous && clock.Elapsed - previous < quietLimit;
                if (quiet && previousQuiet)
                {
                    Assert.Equal(expected, pending); // nothing indexed since the count before
                    compared++;
                }
                expected = pending;
                previousQuiet = quiet;
                previousAppend = thisAppend;
            }
            Assert.True(compared > 0, "the test host stalled at every message; nothing was compared");
            await WaitUntilAsync(async () => await _storage.CountPendingTextAsync(CancellationToken.None) == 0, TimeSpan.FromSeconds(30));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Under_traffic_that_never_pauses_messages_are_indexed_within_the_deferral_limit()
    {
        using var service = new SearchIndexService(_storage, NullLogger<SearchIndexService>.Instance)
        {
            SettleDelay = TimeSpan.FromSeconds(2),
            MaxDeferral = TimeSpan.FromMilliseconds(800),
        };
        await service.StartAsync(CancellationToken.None);
        try
        {
            bool indexedDuringTraffic = false;
            // Up to 15 s of traffic: a late timer on the suite's loaded cores must not read as a missing deferral limit
            // (the limit works when something is indexed well before the 2 s settle time would ever come).
            for (int i = 1; i <= 150 && !indexedDuringTraffic; i++)
            {
                await AppendAsync(i);
                await Task.Delay(100);
                indexedDuringTraffic = await _storage.CountPendingTextAsync(CancellationToken.None) < i;
            }
            Assert.True(indexedDuringTraffic, "nothing was indexed in 15 s of traffic with an 0.8 s deferral limit");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private async Task AppendAsync(int n)
    {
        await using IBlobWriter writer = _storage.Blobs.CreateWriter(MessageIds.New());
        await writer.WriteAsync(Encoding.ASCII.GetBytes($"Subject: message {n}\r\nFrom: a@example.test\r\n\r\nbody of message {n}\r\n"), CancellationToken.None);
        BlobRef blob = await writer.CommitAsync(CancellationToken.None);
        await _storage.Mailboxes.AppendAsync(Account, "INBOX", blob, DateTimeOffset.UtcNow, MessageFlags.None, [], null, CancellationToken.None);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
