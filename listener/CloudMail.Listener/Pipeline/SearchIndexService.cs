using CloudMail.Storage.Embedded;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's search indexer: runs <see cref="EmbeddedStorage.IndexPendingTextAsync"/> in batches whenever messages
/// were added to mailboxes in this process (<see cref="EmbeddedStorage.MessagesAdded"/>: delivery, APPEND, COPY, MOVE) and
/// at least every <see cref="Interval"/> (messages added by another process, such as <c>cloudmail import</c>), until nothing
/// waits. At start it works off the backlog of messages stored before the index existed (mail.db migration 15 queued them
/// all), newest first, in the background: SEARCH reads the messages not yet indexed, so answers are complete meanwhile,
/// only slower. Failures are logged and retried at the next wake-up; the queue is durable.
/// </summary>
public sealed partial class SearchIndexService(EmbeddedStorage storage, ILogger<SearchIndexService> logger) : BackgroundService
{
    /// <summary>Messages read and written per batch (one write transaction of mail.db each).</summary>
    public const int BatchSize = 100;

    /// <summary>Longest wait between looks at the queue when nothing wakes the service.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a wake-up waits before indexing, so that the messages of a burst are indexed together: one FTS5
    /// transaction (and segment) per batch instead of one per few messages, which is most of the index's cost.
    /// </summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromMilliseconds(500);

    private readonly WakeSignal _wake = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // Never inside the host's start.
        storage.MessagesAdded += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await IndexAllPendingAsync(stoppingToken).ConfigureAwait(false);
                if (await _wake.WaitAsync(Interval, stoppingToken).ConfigureAwait(false))
                    await Task.Delay(SettleDelay, stoppingToken).ConfigureAwait(false);
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
            while ((taken = await storage.IndexPendingTextAsync(BatchSize, stoppingToken).ConfigureAwait(false)) > 0) total += taken;
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogFailed(e);
        }
        if (total > BatchSize) LogIndexed(total);
    }

    private void Wake() => _wake.Wake();

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
