using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Keeps the lease of one running job: extends it to a full <see cref="Core.Pipeline.PipelineOptions.LeaseDuration"/>
/// every third of that duration until stopped, so that a job running longer than one lease (a slow remote server, many
/// MX hosts to try) is never leased by another worker and run twice. Stopped before the job is settled; a renewal that
/// fails is logged and tried again at the next tick (the lease still has two thirds of its time then); a lease found lost
/// (another worker has the job) ends the renewals. Stopping throws nothing: the tick wait ends when its timer is
/// disposed (a cancelled wait would throw, and capture a stack trace, once for every job).
/// </summary>
internal sealed partial class LeaseRenewal : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;

    private LeaseRenewal(ILeasedMailQueue queue, string queueName, LeasedJob job, TimeSpan leaseDuration, TimeProvider time, ILogger logger)
    {
        _timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Max(leaseDuration.Ticks / 3, TimeSpan.TicksPerMillisecond)), time);
        _loop = RenewAsync(queue, queueName, job, leaseDuration, _timer, logger, _stop.Token);
    }

    /// <summary>Starts renewing the lease of <paramref name="job"/>.</summary>
    public static LeaseRenewal Start(ILeasedMailQueue queue, string queueName, LeasedJob job, TimeSpan leaseDuration, TimeProvider time, ILogger logger) =>
        new(queue, queueName, job, leaseDuration, time, logger);

    /// <summary>Stops renewing (no renewal is in flight once this returns); idempotent.</summary>
    public async Task StopAsync()
    {
        _timer.Dispose(); // a pending tick wait returns false
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false); // a renewal in flight ends
        await _loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task RenewAsync(ILeasedMailQueue queue, string queueName, LeasedJob job, TimeSpan leaseDuration, PeriodicTimer timer,
        ILogger logger, CancellationToken stop)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false) && !stop.IsCancellationRequested)
            {
                try
                {
                    if (await queue.RenewAsync(queueName, job, leaseDuration, stop).ConfigureAwait(false)) continue;
                    LogLeaseLost(logger, job.Job.JobId, queueName);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    LogRenewalFailed(logger, e, job.Job.JobId, queueName);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped during a renewal: the job is being settled.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease of job {JobId} on {Queue} was lost while it ran; another worker may run it again")]
    private static partial void LogLeaseLost(ILogger logger, string jobId, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Renewing the lease of job {JobId} on {Queue} failed; trying again at the next renewal")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception, string jobId, string queue);
}
