using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>Registers the embedded host's queue workers.</summary>
public static class StageQueueWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TStage"/> (resolved from the container, e.g. as
    /// <see cref="PipelineServiceCollectionExtensions.AddCloudMailPipeline"/> registers it) as an
    /// <see cref="IPipelineStage"/> and a hosted <see cref="StageQueueWorker"/> that consumes its queue.
    /// </summary>
    public static IServiceCollection AddCloudMailStageQueueWorker<TStage>(this IServiceCollection services) where TStage : class, IPipelineStage
    {
        services.AddSingleton<IPipelineStage>(sp => sp.GetRequiredService<TStage>());
        services.AddHostedService(sp => new StageQueueWorker(sp.GetRequiredService<TStage>(), sp.GetRequiredService<ILeasedMailQueue>(),
            sp.GetRequiredService<StageRunner>(), sp.GetRequiredService<PipelineSignal>(), sp.GetRequiredService<IOptions<PipelineOptions>>(),
            sp.GetRequiredService<ILogger<StageQueueWorker>>()));
        return services;
    }
}
