using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's stand-in for a Service Bus trigger, one per registered <see cref="IPipelineStage"/>
/// (<see cref="StageQueueWorkerServiceCollectionExtensions.AddCloudMailStageQueueWorker{TStage}"/>): keeps its slots full
/// with jobs leased from the stage's queue in the durable SQLite queue (<see cref="ILeasedMailQueue"/>) and runs each through
/// <see cref="StageRunner"/>, the same code and <see cref="SettlementPolicy"/> the Functions host uses, settling over the
/// lease (<see cref="LeasedSettlementActions"/>). A job's lease is renewed while it runs (<see cref="LeaseRenewal"/>), so a
/// job slower than one lease is never run twice at once; jobs leased when the process dies reappear after their lease
/// expires, or at once when the next process starts (the stages are idempotent). Batch size, concurrency, lease and poll
/// interval: <see cref="PipelineOptions"/>.
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

    /// <summary>
    /// Keeps up to <see cref="PipelineOptions.Concurrency"/> jobs running: whenever slots are free it leases that many
    /// (at most <see cref="PipelineOptions.BatchSize"/>) and starts them, without waiting for the slowest job of the
    /// previous lease (one slow remote server must not stall every other delivery). At shutdown it stops leasing and
    /// lets the running jobs finish (or be cancelled with the host's token).
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        PipelineOptions o = options.Value;
        using var slots = new SemaphoreSlim(o.Concurrency, o.Concurrency);
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                int free = 1;
                while (free < Math.Min(o.BatchSize, o.Concurrency) && slots.Wait(0)) free++;
                IReadOnlyList<LeasedJob> jobs;
                try
                {
                    jobs = await queue.LeaseAsync(stage.QueueName, free, o.LeaseDuration, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    slots.Release(free);
                    LogLeaseFailed(e, stage.QueueName);
                    await Task.Delay(LeaseFailureDelay, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                if (jobs.Count < free) slots.Release(free - jobs.Count);
                if (jobs.Count == 0)
                {
                    await signal.WaitAsync(o.PollInterval, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                IPipelineStage batch = stage.ForBatch();
                running.RemoveAll(t => t.IsCompleted);
                foreach (LeasedJob job in jobs)
                {
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await RunOneAsync(batch, job, stoppingToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: stop leasing.
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task RunOneAsync(IPipelineStage batch, LeasedJob job, CancellationToken ct)
    {
        await using var renewal = LeaseRenewal.Start(queue, stage.QueueName, job, options.Value.LeaseDuration, TimeProvider.System, logger);
        try
        {
            await runner.RunAsync(batch, job.Job, job.DeliveryCount, new LeasedSettlementActions(queue, stage.QueueName, job, renewal.StopAsync), ct)
                .ConfigureAwait(false);
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
