using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's stand-in for a Service Bus trigger, one per registered <see cref="IPipelineStage"/>
/// (<see cref="StageQueueWorkerServiceCollectionExtensions.AddCloudMailStageQueueWorker{TStage}"/>): leases batches of
/// jobs from the stage's queue in the durable SQLite queue (<see cref="ILeasedMailQueue"/>) and runs each through
/// <see cref="StageRunner"/>, the same code and <see cref="SettlementPolicy"/> the Functions host uses, settling over the
/// lease (<see cref="LeasedSettlementActions"/>). Jobs leased when the process dies reappear after their lease expires
/// (the stages are idempotent). Batch size, concurrency, lease and poll interval: <see cref="PipelineOptions"/>.
/// </summary>
public sealed partial class StageQueueWorker(
    IPipelineStage stage,
    ILeasedMailQueue queue,
    StageRunner runner,
    PipelineSignal signal,
    IOptions<PipelineOptions> options,
    ILogger<StageQueueWorker> logger) : BackgroundService
{
    /// <summary>How long the worker waits after the queue failed to lease before it tries again.</summary>
    public static readonly TimeSpan LeaseFailureDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        PipelineOptions o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<LeasedJob> jobs;
            try
            {
                jobs = await queue.LeaseAsync(stage.QueueName, o.BatchSize, o.LeaseDuration, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLeaseFailed(e, stage.QueueName);
                try { await Task.Delay(LeaseFailureDelay, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            if (jobs.Count == 0)
            {
                try { await signal.WaitAsync(o.PollInterval, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            IPipelineStage batch = stage.ForBatch();
            await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency, CancellationToken = stoppingToken },
                async (job, ct) => await RunOneAsync(batch, job, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private async Task RunOneAsync(IPipelineStage batch, LeasedJob job, CancellationToken ct)
    {
        try
        {
            await runner.RunAsync(batch, job.Job, job.DeliveryCount, new LeasedSettlementActions(queue, stage.QueueName, job), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Settling failed (the queue database is unavailable): the lease runs out and the job is delivered again.
            LogSettleFailed(e, stage.QueueName, job.Job.MessageId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Leasing jobs from {Queue} failed; retrying in 5 s")]
    private partial void LogLeaseFailed(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Settling {MessageId} on {Queue} failed; it is delivered again when its lease expires")]
    private partial void LogSettleFailed(Exception exception, string queue, string messageId);
}
