using CloudMail.Core.Directory;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's stand-in for the Service Bus trigger: leases jobs from the durable inbound queue, runs
/// <see cref="InboundProcessor"/> on each and settles them (complete, retry with backoff, dead-letter).
/// Jobs leased when the process dies reappear after their lease expires; the processor is idempotent.
/// </summary>
public sealed partial class InboundQueueWorker(
    IMailQueue queue,
    InboundProcessor processor,
    PipelineSignal signal,
    IOptions<PipelineOptions> options,
    ILogger<InboundQueueWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<LeasedJob> jobs;
            try
            {
                jobs = await queue.LeaseAsync(QueueNames.Inbound, o.BatchSize, o.LeaseDuration, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLeaseFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(false);
                continue;
            }
            if (jobs.Count == 0)
            {
                try { await signal.WaitAsync(o.PollInterval, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            // Settle with CancellationToken.None: once processed, recording the result must not be skipped by shutdown.
            // One resolution cache per batch: its jobs mostly share recipients, and a batch is one moment's work.
            var resolutions = new ResolutionCache();
            await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency, CancellationToken = stoppingToken },
                async (job, ct) => await RunOneAsync(job, resolutions, o, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private async Task RunOneAsync(LeasedJob job, ResolutionCache resolutions, PipelineOptions o, CancellationToken ct)
    {
        if (job.DeliveryCount > o.MaxDeliveryCount)
        {
            await queue.DeadLetterAsync(QueueNames.Inbound, job, $"exceeded {o.MaxDeliveryCount} deliveries", CancellationToken.None).ConfigureAwait(false);
            LogDeadLettered(job.Job.MessageId, "max deliveries");
            return;
        }
        var outcome = await processor.ProcessInBatchAsync(job.Job, resolutions, ct).ConfigureAwait(false);
        switch (outcome)
        {
            case StageOutcome.Completed:
                await queue.CompleteAsync(QueueNames.Inbound, job, CancellationToken.None).ConfigureAwait(false);
                break;
            case StageOutcome.Transient t:
                await queue.RetryAsync(QueueNames.Inbound, job, t.RetryAfter, t.Reason, CancellationToken.None).ConfigureAwait(false);
                break;
            case StageOutcome.Permanent p:
                await queue.DeadLetterAsync(QueueNames.Inbound, job, p.Reason, CancellationToken.None).ConfigureAwait(false);
                LogDeadLettered(job.Job.MessageId, p.Reason);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Leasing inbound jobs failed; retrying in 5 s")]
    private partial void LogLeaseFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered inbound job {MessageId}: {Reason}")]
    private partial void LogDeadLettered(string messageId, string reason);
}
