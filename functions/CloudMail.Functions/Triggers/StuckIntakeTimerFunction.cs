using CloudMail.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Every five minutes: enqueue again the accepted messages that were never routed (<see cref="StuckIntakeSweeper"/>,
/// bounds from <see cref="FunctionsOptions"/>). Storage failures propagate: the host logs the failed run and the next
/// run tries again.
/// </summary>
public sealed partial class StuckIntakeTimerFunction(StuckIntakeSweeper sweeper, IOptions<FunctionsOptions> options, ILogger<StuckIntakeTimerFunction> logger)
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
        // Markers are removed only here: a sweep that fills its batch may be falling behind the accept rate.
        if (result.Examined >= limits.MaxMarkers) LogBatchFull(limits.MaxMarkers);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stuck-intake sweep: {Examined} markers, {Routed} routed, {Requeued} requeued, {Dropped} dropped")]
    private partial void LogSwept(int examined, int routed, int requeued, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck-intake sweep examined a full batch of {BatchSize} markers; if this repeats, raise CloudMail:Functions:StuckIntakeBatchSize above the messages accepted per 5 minutes")]
    private partial void LogBatchFull(int batchSize);
}
