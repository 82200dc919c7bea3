using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Smtp.Greylisting;

/// <summary>
/// Removes expired greylist records (<see cref="Greylist.ForgetExpiredAsync"/>) every
/// <see cref="GreylistOptions.SweepInterval"/> while greylisting is on, so the store holds what the rules can still use:
/// triplets within their retry window or lifetime. Every replica sweeps in Azure mode; removals are idempotent. A failed
/// pass is logged and the next one tries again.
/// </summary>
public sealed partial class GreylistSweepService(Greylist greylist, IOptions<GreylistOptions> options, TimeProvider time,
    ILogger<GreylistSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Value.SweepInterval, time, stoppingToken).ConfigureAwait(false);
                try
                {
                    int removed = await greylist.ForgetExpiredAsync(stoppingToken).ConfigureAwait(false);
                    if (removed > 0) LogSwept(removed);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogSweepFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Greylist sweep removed {Removed} expired records")]
    private partial void LogSwept(int removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Greylist sweep failed; the next pass tries again")]
    private partial void LogSweepFailed(Exception exception);
}
