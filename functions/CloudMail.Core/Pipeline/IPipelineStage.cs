using CloudMail.Core.Queue;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// One stage of the message pipeline: the queue it consumes and what it does with one job. Both hosts run stages the
/// same way, through <see cref="StageRunner"/>: the embedded host's queue worker per registered stage, the Functions
/// host's Service Bus trigger per stage. A stage is idempotent per job (a job may be delivered again after a crash),
/// returns <see cref="StageOutcome"/> for what it knows, and lets storage failures propagate: the runner classifies
/// them (<see cref="SettlementPolicy"/>).
/// </summary>
public interface IPipelineStage
{
    /// <summary>The queue this stage consumes (one of <see cref="QueueNames"/>).</summary>
    string QueueName { get; }

    /// <summary>Runs the stage on <paramref name="job"/>.</summary>
    Task<StageOutcome> RunAsync(MailJob job, CancellationToken cancellationToken);

    /// <summary>
    /// The stage to run the jobs of one batch with (leased together, processed at one moment): may share per-batch
    /// caches between them. This stage itself by default.
    /// </summary>
    IPipelineStage ForBatch() => this;
}
