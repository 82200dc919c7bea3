using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Every five minutes: enqueue again the outbound jobs that were never settled (<see cref="StuckOutboundSweeper"/>, bounds
/// <see cref="PipelineOptions.OutboundSweepLimits"/>). Storage failures propagate: the host logs the failed run and the
/// next run tries again.
/// </summary>
public sealed partial class StuckOutboundTimerFunction(StuckOutboundSweeper sweeper, IOptions<PipelineOptions> options, ILogger<StuckOutboundTimerFunction> logger)
{
    public const string Name = "StuckOutboundSweep";

    /// <summary>NCRONTAB with seconds: at second 15 of every fifth minute (beside, not on top of, the intake sweep and the reclaim).</summary>
    public const string Schedule = "15 */5 * * * *";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var limits = options.Value.OutboundSweepLimits;
        var result = await sweeper.SweepAsync(limits, cancellationToken).ConfigureAwait(false);
        if (result.Examined > 0) LogSwept(result.Examined, result.Routed, result.Requeued, result.Dropped);
        if (result.Examined >= limits.MaxMarkers) LogBatchFull(limits.MaxMarkers);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stuck-outbound sweep: {Examined} entries, {Settled} settled, {Requeued} requeued, {Dropped} dropped")]
    private partial void LogSwept(int examined, int settled, int requeued, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck-outbound sweep examined a full batch of {BatchSize} entries; if this repeats, look for outbound failures or raise CloudMail:Pipeline:StuckOutboundBatchSize")]
    private partial void LogBatchFull(int batchSize);
}
