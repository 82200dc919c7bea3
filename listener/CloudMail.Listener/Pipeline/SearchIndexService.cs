using CloudMail.Storage.Embedded;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's search indexer: runs <see cref="EmbeddedStorage.IndexPendingTextAsync"/> in batches whenever messages
/// were added to mailboxes in this process (<see cref="EmbeddedStorage.MessagesAdded"/>: delivery, APPEND, COPY, MOVE) and
/// at least every <see cref="Interval"/> (messages added by another process, such as <c>cloudmail import</c>), until nothing
/// waits. It yields to mail traffic: while messages keep arriving (the last one less than <see cref="SettleDelay"/> ago)
/// it waits, so that a burst is accepted and delivered first and then indexed together, but it never lets a message wait
/// for the index longer than <see cref="MaxDeferral"/> (under steady traffic it then indexes between arrivals). Trigram indexing
/// costs more CPU per message than accepting and delivering it (docs/search.md). At start it works off the backlog of
/// messages stored before the index existed (mail.db migration 15 queued them all), newest first, in the background:
/// SEARCH reads the messages not yet indexed, so answers are complete meanwhile, only slower. Failures are logged and
/// retried at the next wake-up; the queue is durable.
/// </summary>
public sealed partial class SearchIndexService(EmbeddedStorage storage, ILogger<SearchIndexService> logger) : BackgroundService
{
    /// <summary>Messages read and written per batch (one write transaction of mail.db each).</summary>
    public const int BatchSize = 100;

    /// <summary>Longest wait between looks at the queue when nothing wakes the service.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long no message must have arrived before indexing starts, so that the messages of a burst are indexed together
    /// (one FTS5 transaction and segment per batch instead of one per few messages) and after the burst.
    /// </summary>
    public static readonly TimeSpan DefaultSettleDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest a message added to a mailbox waits for the index while traffic goes on.</summary>
    public static readonly TimeSpan DefaultMaxDeferral = TimeSpan.FromSeconds(30);

    private readonly WakeSignal _wake = new();
    private long _lastAdded = long.MinValue / 2;
    private long _waitingSince;

    /// <summary>Quiet time before indexing (<see cref="DefaultSettleDelay"/>; tests set their own).</summary>
    public TimeSpan SettleDelay { get; init; } = DefaultSettleDelay;

    /// <summary>Longest deferral under traffic (<see cref="DefaultMaxDeferral"/>; tests set their own).</summary>
    public TimeSpan MaxDeferral { get; init; } = DefaultMaxDeferral;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribed before the first yield, so inside the host's start: a message added as the host starts is seen (it
        // was not when the subscription came after the yield, and the first batch then indexed in the middle of a burst).
        storage.MessagesAdded += Wake;
        try
        {
            await Task.Yield(); // The indexing itself never runs inside the host's start.
            while (!stoppingToken.IsCancellationRequested)
            {
                await IndexAllPendingAsync(stoppingToken).ConfigureAwait(false);
                await _wake.WaitAsync(Interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            storage.MessagesAdded -= Wake;
        }
    }

    private async Task IndexAllPendingAsync(CancellationToken stoppingToken)
    {
        long total = 0;
        try
        {
            int taken;
            while (true)
            {
                if (TrafficDeferral(Environment.TickCount64) is { } wait)
                {
                    await Task.Delay(wait, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                if ((taken = await storage.IndexPendingTextAsync(BatchSize, stoppingToken).ConfigureAwait(false)) == 0) break;
                total += taken;
            }
            Interlocked.Exchange(ref _waitingSince, 0);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogFailed(e);
        }
        if (total > BatchSize) LogIndexed(total);
    }

    /// <summary>
    /// How much longer to hold indexing back at <paramref name="now"/> (<see cref="Environment.TickCount64"/>): until
    /// <see cref="SettleDelay"/> has passed since the last message arrived, but not past <see cref="MaxDeferral"/> after the
    /// first message of the current backlog arrived; null to index now.
    /// </summary>
    internal TimeSpan? TrafficDeferral(long now)
    {
        long sinceLast = now - Volatile.Read(ref _lastAdded);
        long waitingSince = Volatile.Read(ref _waitingSince);
        long quietLeft = (long)SettleDelay.TotalMilliseconds - sinceLast;
        // No backlog start on record (none since the last pass ended, or a pass ending as a message arrived reset it): the
        // quiet rule alone decides. It once counted as "deferral used up" and indexed in the middle of a burst.
        long deferralLeft = waitingSince == 0 ? long.MaxValue : (long)MaxDeferral.TotalMilliseconds - (now - waitingSince);
        long wait = Math.Min(quietLeft, deferralLeft);
        return wait > 0 ? TimeSpan.FromMilliseconds(wait) : null;
    }

    private void Wake()
    {
        long now = Environment.TickCount64;
        Volatile.Write(ref _lastAdded, now);
        Interlocked.CompareExchange(ref _waitingSince, now, 0);
        _wake.Wake();
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index: {Count} messages indexed")]
    private partial void LogIndexed(long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Search indexing failed; retrying at the next wake-up")]
    private partial void LogFailed(Exception exception);
}
