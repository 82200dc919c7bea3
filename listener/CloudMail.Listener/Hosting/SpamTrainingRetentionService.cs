using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Retention;
using CloudMail.Listener.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// The Azure listener's share of <c>CloudMail:Retention</c>: forgets spam-training signals done with and older than
/// <see cref="RetentionOptions.SpamTraining"/>, on <see cref="RetentionScheduleService"/>'s schedule. The listener records
/// them and its identity alone may write their table (the Functions app's retention timer has no access to it:
/// infra/modules/roles.bicep); in embedded mode <see cref="RetentionSweeper"/> does this with the rest. Every replica
/// runs it (deletes are idempotent).
/// </summary>
public sealed partial class SpamTrainingRetentionService(ISpamTrainingStore store, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<SpamTrainingRetentionService> logger) : RetentionScheduleService(options.Value, time, logger)
{
    protected override bool Enabled => Options.SpamTraining > TimeSpan.Zero;

    protected override async Task PassAsync(CancellationToken cancellationToken)
    {
        int forgotten = await store.ForgetSettledBeforeAsync(Time.GetUtcNow() - Options.SpamTraining, cancellationToken).ConfigureAwait(false);
        if (forgotten > 0) LogForgotten(Logger, forgotten);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: forgot {Count} spam-training signals")]
    private static partial void LogForgotten(ILogger logger, int count);
}
