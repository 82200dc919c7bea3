using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's stuck-outbound sweep: runs <see cref="StuckOutboundSweeper"/> (bounds
/// <see cref="PipelineOptions.OutboundSweepLimits"/>) once shortly after start and then every <see cref="Interval"/>, as
/// the Functions app's <c>StuckOutboundSweep</c> timer does in Azure. The embedded queue keeps its jobs durably, so what
/// this finds are outbound jobs dead-lettered with recipients still pending (retries exhausted by storage failures,
/// repeated crashes). A failed pass is logged and the next one tries again.
/// </summary>
public sealed partial class StuckOutboundSweepService(
    StuckOutboundSweeper sweeper,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<StuckOutboundSweepService> logger) : BackgroundService
{
    /// <summary>Time between two passes.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>Raised after every pass that did not fail, with what it did; for diagnostics and tests.</summary>
    public event Action<SweepResult>? PassCompleted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // The first pass must not run inside the host's start.
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await PassAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task PassAsync(CancellationToken stoppingToken)
    {
        try
        {
            SweepResult result = await sweeper.SweepAsync(options.Value.OutboundSweepLimits, stoppingToken).ConfigureAwait(false);
            if (result.Examined > 0) LogSwept(result.Examined, result.Routed, result.Requeued, result.Dropped);
            PassCompleted?.Invoke(result);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // A background loop, not a trigger: the pass is retried on the next tick, and the failure is in the log.
            LogPassFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stuck-outbound sweep: {Examined} entries, {Settled} settled, {Requeued} requeued, {Dropped} dropped")]
    private partial void LogSwept(int examined, int settled, int requeued, int dropped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stuck-outbound sweep failed; the next pass tries again")]
    private partial void LogPassFailed(Exception exception);
}

/// <summary>Registers the embedded host's outbound ledger and sweep.</summary>
public static class StuckOutboundSweepServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="OutboundLedgerServiceCollectionExtensions.AddCloudMailOutboundLedger"/> over the embedded queue and the
    /// hosted <see cref="StuckOutboundSweepService"/>. Call after the embedded storage and the pipeline are registered.
    /// </summary>
    public static IServiceCollection AddCloudMailEmbeddedOutboundSweep(this IServiceCollection services)
    {
        services.AddCloudMailOutboundLedger();
        services.AddSingleton<StuckOutboundSweepService>();
        services.AddHostedService(sp => sp.GetRequiredService<StuckOutboundSweepService>());
        return services;
    }
}
