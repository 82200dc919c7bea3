using CloudMail.Core.Retention;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>Embedded mode's retention: runs <see cref="RetentionSweeper"/> on <see cref="RetentionScheduleService"/>'s schedule.</summary>
public sealed class RetentionService(RetentionSweeper sweeper, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionService> logger)
    : RetentionScheduleService(options.Value, time, logger)
{
    protected override Task PassAsync(CancellationToken cancellationToken) => sweeper.SweepAsync(cancellationToken);
}
