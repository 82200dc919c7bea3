using CloudMail.Core.Directory;
using CloudMail.Core.Intake;
using CloudMail.Core.Queue;
using CloudMail.Core.Quarantine;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// The inbound stage of both hosts (queue <see cref="QueueNames.Inbound"/>): the virus scan of messages accepted unscanned
/// (<see cref="PipelineVirusCheck"/>: an infected one is quarantined, and while the scanner is unavailable the job is
/// retried), then <see cref="InboundProcessor"/>, then, once
/// it has routed the message (<see cref="StageOutcome.Completed"/>), removal of the message's intake marker by
/// <see cref="IntakeMarkerRemoval"/> where the host records markers (best effort, never failing the job). Other outcomes
/// leave the marker: a transient failure is retried with it in place, and a dead-lettered job is exactly what the
/// stuck-intake sweep is for. <see cref="ForBatch"/> shares recipient resolutions among the jobs of one batch.
/// </summary>
public sealed class InboundStage(InboundProcessor processor, IntakeMarkerRemoval? markers = null, PipelineVirusCheck? virusCheck = null) : IPipelineStage
{
    public string QueueName => QueueNames.Inbound;

    public Task<StageOutcome> RunAsync(MailJob job, CancellationToken cancellationToken) => RunAsync(job, null, cancellationToken);

    /// <summary>This stage with one <see cref="ResolutionCache"/> for the jobs of the batch (they mostly share recipients).</summary>
    public IPipelineStage ForBatch() => new Batch(this, new ResolutionCache());

    private async Task<StageOutcome> RunAsync(MailJob job, ResolutionCache? resolutions, CancellationToken cancellationToken)
    {
        var (route, settled) = virusCheck is null ? (job, null) : await virusCheck.CheckAsync(job, cancellationToken).ConfigureAwait(false);
        StageOutcome outcome = settled ?? await processor.ProcessInBatchAsync(route!, resolutions, cancellationToken).ConfigureAwait(false);
        if (outcome is StageOutcome.Completed && markers is not null) await markers.RemoveAsync(job, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    private sealed class Batch(InboundStage stage, ResolutionCache resolutions) : IPipelineStage
    {
        public string QueueName => stage.QueueName;

        public Task<StageOutcome> RunAsync(MailJob job, CancellationToken cancellationToken) => stage.RunAsync(job, resolutions, cancellationToken);
    }
}
