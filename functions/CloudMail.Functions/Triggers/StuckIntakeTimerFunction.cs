using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Every five minutes: enqueue again the accepted messages that were never routed (<see cref="StuckIntakeSweeper"/>,
/// bounds from <see cref="PipelineOptions"/>). Storage failures propagate: the host logs the failed run and the next
/// run tries again.
/// </summary>
public sealed partial class StuckIntakeTimerFunction(StuckIntakeSweeper sweeper, IOptions<PipelineOptions> options, ILogger<StuckIntakeTimerFunction> logger)
{
    public const string Name = "StuckIntakeSweep";

    /// <summary>NCRONTAB with seconds: at second 0 of every fifth minute.</summary>
    public const string Schedule = "0 */5 * * * *";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var limits = options.Value.SweepLimits;
        var result = await sweeper.SweepAsync(limits, cancellationToken).ConfigureAwait(false);
        if (result.Examined > 0) LogSwept(result.Examined, result.Routed, result.Requeued, result.Dropped);
        // Routed messages lose their marker in the inbound stage; a full batch means many stuck or leftover markers
        // (an outage, or failing removals), which the following runs work through.
        if (result.Examined >= limits.MaxMarkers) LogBatchFull(limits.MaxMarkers);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stuck-intake sweep: {Examined} markers, {Routed} routed, {Requeued} requeued, {Dropped} dropped")]
    private partial void LogSwept(int examined, int routed, int requeued, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck-intake sweep examined a full batch of {BatchSize} markers; if this repeats, look for inbound failures or warnings about markers not removed, or raise CloudMail:Pipeline:StuckIntakeBatchSize")]
    private partial void LogBatchFull(int batchSize);
}
