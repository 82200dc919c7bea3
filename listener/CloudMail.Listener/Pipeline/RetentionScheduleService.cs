using CloudMail.Core.Retention;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// The schedule of a host's share of <c>CloudMail:Retention</c>: the first pass a minute after start (so a server
/// restarted often still sweeps; the start's own work goes first), then one every <see cref="RetentionOptions.Interval"/>.
/// A failed pass is logged and the next one tries again; what a pass removed stays removed.
/// </summary>
public abstract partial class RetentionScheduleService(RetentionOptions options, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>Delay from start to the first pass.</summary>
    public static readonly TimeSpan FirstSweepAfter = TimeSpan.FromMinutes(1);

    /// <summary>The retention in force for this host.</summary>
    protected RetentionOptions Options => options;

    protected TimeProvider Time => time;

    protected ILogger Logger => logger;

    /// <summary>Whether this host has anything to sweep with <see cref="Options"/>; false ends the service at once.</summary>
    protected virtual bool Enabled => true;

    /// <summary>One pass.</summary>
    protected abstract Task PassAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        try
        {
            await Task.Delay(options.Interval < FirstSweepAfter ? options.Interval : FirstSweepAfter, time, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PassAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogPassFailed(GetType().Name, e);
                }
                await Task.Delay(options.Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Service}: retention pass failed; retrying at the next interval")]
    private partial void LogPassFailed(string service, Exception exception);
}
