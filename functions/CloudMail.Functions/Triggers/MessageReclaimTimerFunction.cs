using CloudMail.Core.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// Every five minutes: deletes the blobs of messages no mailbox refers to any more (<see cref="MessageReclaimer"/>, bounds
/// from <see cref="FunctionsOptions"/>). The listener's IMAP and POP3 sessions record the candidates when they expunge;
/// this timer is what turns them into deletions in Azure mode. Failures to list candidates propagate (the host logs the
/// run and the next one tries again); a candidate that fails on its own is postponed by the reclaimer. Each run also
/// removes staging blobs a crashed intake left behind (<see cref="IStagingBlobSweep"/>, where the backend has one),
/// those made more than <see cref="StagingAge"/> ago.
/// </summary>
public sealed partial class MessageReclaimTimerFunction(MessageReclaimer reclaimer, IOptions<FunctionsOptions> options,
    ILogger<MessageReclaimTimerFunction> logger, TimeProvider time, IStagingBlobSweep? stagingSweep = null)
{
    /// <summary>
    /// How old a staging blob must be before the sweep removes it: far beyond any SMTP transaction (a staging blob lives
    /// from DATA to the end of its checks), so blobs of sessions still running on any replica are never touched.
    /// </summary>
    public static readonly TimeSpan StagingAge = TimeSpan.FromDays(1);

    public const string Name = "MessageReclaim";

    /// <summary>NCRONTAB with seconds: at second 30 of every fifth minute (apart from the stuck-intake sweep).</summary>
    public const string Schedule = "30 */5 * * * *";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ReclaimLimits limits = options.Value.ReclaimLimits;
        ReclaimResult result = await reclaimer.ReclaimAsync(limits, cancellationToken).ConfigureAwait(false);
        if (result.Examined > 0) LogPass(result.Examined, result.Reclaimed, result.Referenced, result.Held, result.Failed);
        if (result.Examined >= limits.MaxCandidates) LogBatchFull(limits.MaxCandidates);
        if (stagingSweep is not null)
        {
            int removed = await stagingSweep.SweepStagingAsync(time.GetUtcNow() - StagingAge, cancellationToken).ConfigureAwait(false);
            if (removed > 0) LogStagingRemoved(removed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} staging blobs a crashed intake left behind")]
    private partial void LogStagingRemoved(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reclaim: {Examined} candidates, {Reclaimed} reclaimed, {Referenced} still referenced, {Held} held by the pipeline, {Failed} failed")]
    private partial void LogPass(int examined, int reclaimed, int referenced, int held, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reclaim examined a full batch of {BatchSize} candidates; the next runs work through the rest, or raise CloudMail:Functions:ReclaimBatchSize")]
    private partial void LogBatchFull(int batchSize);
}
