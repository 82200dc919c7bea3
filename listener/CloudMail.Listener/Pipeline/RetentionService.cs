using CloudMail.Core.Retention;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's retention: runs <see cref="RetentionSweeper"/> a minute after start (so a server restarted often still
/// sweeps) and then every <see cref="RetentionOptions.Interval"/>. A failed sweep is logged and the next one tries again;
/// what a sweep removed stays removed.
/// </summary>
public sealed partial class RetentionService(RetentionSweeper sweeper, IOptions<RetentionOptions> options, ILogger<RetentionService> logger)
    : BackgroundService
{
    /// <summary>Delay from start to the first sweep (the start's own work goes first).</summary>
    public static readonly TimeSpan FirstSweepAfter = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan interval = options.Value.Interval;
        try
        {
            await Task.Delay(interval < FirstSweepAfter ? interval : FirstSweepAfter, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await sweeper.SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogSweepFailed(e);
                }
                await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention sweep failed; retrying at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
