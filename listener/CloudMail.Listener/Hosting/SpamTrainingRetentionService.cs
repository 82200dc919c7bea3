using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Retention;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// The Azure listener's share of <c>CloudMail:Retention</c>: forgets spam-training signals done with and older than
/// <see cref="RetentionOptions.SpamTraining"/> every <see cref="RetentionOptions.Interval"/>. The listener records them
/// and its identity alone may write their table (the Functions app's retention timer has no access to it:
/// infra/modules/roles.bicep); in embedded mode <see cref="RetentionSweeper"/> does this with the rest. Every replica
/// runs it (deletes are idempotent). A failed pass is logged and the next one tries again.
/// </summary>
public sealed partial class SpamTrainingRetentionService(ISpamTrainingStore store, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<SpamTrainingRetentionService> logger) : BackgroundService
{
    /// <summary>Passes begun, for tests.</summary>
    public int Passes => Volatile.Read(ref _passes);

    private int _passes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RetentionOptions o = options.Value;
        if (o.SpamTraining <= TimeSpan.Zero) return;
        try
        {
            await Task.Delay(o.Interval < CloudMail.Listener.Pipeline.RetentionService.FirstSweepAfter ? o.Interval : CloudMail.Listener.Pipeline.RetentionService.FirstSweepAfter, time, stoppingToken)
                .ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _passes);
                try
                {
                    int forgotten = await store.ForgetSettledBeforeAsync(time.GetUtcNow() - o.SpamTraining, stoppingToken).ConfigureAwait(false);
                    if (forgotten > 0) LogForgotten(forgotten);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(e);
                }
                await Task.Delay(o.Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: forgot {Count} spam-training signals")]
    private partial void LogForgotten(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spam-training retention failed; the next pass tries again")]
    private partial void LogFailed(Exception exception);
}
