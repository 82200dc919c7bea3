using CloudMail.Core.Filtering.Training;
using CloudMail.Filtering.Spam;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Imap;

/// <summary>
/// Runs the <see cref="SpamTrainingLearner"/> beside the IMAP server: at once when a session records training signals
/// (<see cref="SpamTrainingRecorder.Learned"/>), else every <see cref="PollInterval"/> (retries that came due, signals
/// other replicas recorded). A failed run is logged and the next one tries again. Idle without an rspamd controller.
/// </summary>
internal sealed partial class SpamLearningService(SpamTrainingLearner learner, SpamTrainingRecorder recorder, ILogger<SpamLearningService> logger)
    : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!learner.Enabled) return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (await learner.LearnDueAsync(stoppingToken).ConfigureAwait(false) >= SpamTrainingLearner.BatchSize)
                    {
                        // A full batch: more may be due.
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogRunFailed(e);
                }
                await recorder.Learned.WaitAsync(PollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; what is left is taught by the next start.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spam training run failed; the next run tries again")]
    private partial void LogRunFailed(Exception exception);
}
