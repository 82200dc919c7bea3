using CloudMail.Core.Blobs;
using CloudMail.Storage.Embedded;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's reclaimer: runs <see cref="MessageReclaimer"/> whenever messages were removed from mailboxes in
/// this process (<see cref="EmbeddedStorage.ReclaimCandidatesAdded"/>) and at least every
/// <see cref="ReclaimOptions.Interval"/>, but never sooner than <see cref="ReclaimOptions.MinSpacing"/> after the previous pass
/// ended (a burst of removals shares one pass); a full batch is followed by another pass at once. After a pass that deleted
/// something, <see cref="EmbeddedStorage.FlushDeletedMessagesAsync"/> gets the deleted bytes out of the databases' logs,
/// so an expunged message is gone from every file of the data folder. Failures are logged and retried on the
/// next wake-up; the candidates are durable, so nothing is forgotten across restarts. Before its first pass it removes
/// the staging blobs an earlier run left when it crashed (<see cref="EmbeddedStorage.SweepStagingAsync"/>).
/// </summary>
public sealed partial class MessageReclaimService(
    MessageReclaimer reclaimer,
    EmbeddedStorage storage,
    IOptions<ReclaimOptions> options,
    ILogger<MessageReclaimService> logger) : BackgroundService
{
    private readonly WakeSignal _wake = new();

    /// <summary>Staging blobs made before this are an earlier run's (see <see cref="EmbeddedStorage.SweepStagingAsync"/>).</summary>
    private readonly DateTimeOffset _createdAt = DateTimeOffset.UtcNow;

    private long _passesStarted;
    private long _passesEnded;

    /// <summary>Raised after every pass that did not fail (and its flush), with what it did; for diagnostics and tests.</summary>
    public event Action<ReclaimResult>? PassCompleted;

    /// <summary>Passes begun so far; with <see cref="PassesEnded"/>, tells whether one is running.</summary>
    public long PassesStarted => Interlocked.Read(ref _passesStarted);

    /// <summary>Passes finished so far (flush included), failed ones too.</summary>
    public long PassesEnded => Interlocked.Read(ref _passesEnded);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // The first pass must not run inside the host's start.
        await SweepStagingBlobsAsync(stoppingToken).ConfigureAwait(false);
        ReclaimOptions o = options.Value;
        storage.ReclaimCandidatesAdded += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunPassesAsync(o, stoppingToken).ConfigureAwait(false);
                long ended = Environment.TickCount64;
                await _wake.WaitAsync(o.Interval, stoppingToken).ConfigureAwait(false);
                long spacingLeft = (long)o.MinSpacing.TotalMilliseconds - (Environment.TickCount64 - ended);
                if (spacingLeft > 0) await Task.Delay(TimeSpan.FromMilliseconds(spacingLeft), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            storage.ReclaimCandidatesAdded -= Wake;
        }
    }

    /// <summary>Once, at start: the staging blobs an earlier run left when it crashed (ids made before this service was created).</summary>
    private async Task SweepStagingBlobsAsync(CancellationToken stoppingToken)
    {
        try
        {
            int removed = await storage.SweepStagingAsync(_createdAt, stoppingToken).ConfigureAwait(false);
            if (removed > 0) LogStagingSwept(removed);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogStagingSweepFailed(e);
        }
    }

    private async Task RunPassesAsync(ReclaimOptions o, CancellationToken stoppingToken)
    {
        ReclaimResult result;
        do
        {
            Interlocked.Increment(ref _passesStarted);
            try
            {
                result = await reclaimer.ReclaimAsync(o.Limits, stoppingToken).ConfigureAwait(false);
                if (result.Reclaimed > 0 && !await storage.FlushDeletedMessagesAsync(stoppingToken).ConfigureAwait(false)) LogFlushIncomplete();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(e);
                return;
            }
            finally
            {
                Interlocked.Increment(ref _passesEnded);
            }
            if (result.Examined > 0) LogPass(result.Examined, result.Reclaimed, result.Referenced, result.Held, result.Failed);
            PassCompleted?.Invoke(result);
        }
        while (result.Examined >= o.BatchSize);
    }

    private void Wake() => _wake.Wake();

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} staging blobs an earlier run left behind")]
    private partial void LogStagingSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping staging blobs left by an earlier run failed; the next start tries again")]
    private partial void LogStagingSweepFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reclaim pass: {Examined} candidates, {Reclaimed} reclaimed, {Referenced} still referenced, {Held} held by the pipeline, {Failed} failed")]
    private partial void LogPass(int examined, int reclaimed, int referenced, int held, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reclaim pass failed; retrying at the next wake-up")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Readers kept the queue database's log from being truncated after a reclaim; the next pass completes it")]
    private partial void LogFlushIncomplete();
}
