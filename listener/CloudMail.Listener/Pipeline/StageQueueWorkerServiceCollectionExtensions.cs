using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>Registers the embedded host's queue workers.</summary>
public static class StageQueueWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TStage"/> (resolved from the container, e.g. as
    /// <see cref="PipelineServiceCollectionExtensions.AddCloudMailPipeline"/> registers it) as an
    /// <see cref="IPipelineStage"/> and a hosted <see cref="StageQueueWorker"/> that consumes its queue. The inbound worker
    /// waits on the shared <see cref="PipelineSignal"/> the accept path pulses; any other stage's worker gets a signal of its
    /// own and polls (<see cref="PipelineOptions.PollInterval"/>), so it never takes a pulse meant for the inbound worker.
    /// </summary>
    public static IServiceCollection AddCloudMailStageQueueWorker<TStage>(this IServiceCollection services) where TStage : class, IPipelineStage
    {
        services.AddSingleton<IPipelineStage>(sp => sp.GetRequiredService<TStage>());
        // AddSingleton, not AddHostedService: the latter adds with TryAddEnumerable, which keeps only the first worker.
        services.AddSingleton<IHostedService>(sp => new StageQueueWorker(sp.GetRequiredService<TStage>(), sp.GetRequiredService<ILeasedMailQueue>(),
            sp.GetRequiredService<StageRunner>(), SignalOf(sp, sp.GetRequiredService<TStage>()), sp.GetRequiredService<IOptions<PipelineOptions>>(),
            sp.GetRequiredService<ILogger<StageQueueWorker>>()));
        return services;
    }

    private static PipelineSignal SignalOf(IServiceProvider services, IPipelineStage stage) =>
        stage.QueueName == QueueNames.Inbound ? services.GetRequiredService<PipelineSignal>() : new PipelineSignal();
}
