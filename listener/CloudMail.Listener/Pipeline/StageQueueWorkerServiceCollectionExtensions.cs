using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// <see cref="IPipelineStage"/> and a hosted <see cref="StageQueueWorker"/> that consumes its queue. Each worker waits on
    /// its queue's signal (<see cref="QueueWakeups"/>: the inbound one is the shared <see cref="PipelineSignal"/> the accept
    /// path pulses) and polls (<see cref="PipelineOptions.PollInterval"/>) for jobs nobody announced; <see cref="IMailQueue"/>
    /// becomes <see cref="WakingMailQueue"/>, so a stage that hands a job to another wakes that stage's worker.
    /// </summary>
    public static IServiceCollection AddCloudMailStageQueueWorker<TStage>(this IServiceCollection services) where TStage : class, IPipelineStage
    {
        services.TryAddSingleton<QueueWakeups>();
        services.Replace(ServiceDescriptor.Singleton<IMailQueue>(WakingQueue)); // the same again for the next stage
        services.AddSingleton<IPipelineStage>(sp => sp.GetRequiredService<TStage>());
        // AddSingleton, not AddHostedService: the latter adds with TryAddEnumerable, which keeps only the first worker.
        services.AddSingleton<IHostedService>(sp => new StageQueueWorker(sp.GetRequiredService<TStage>(), sp.GetRequiredService<ILeasedMailQueue>(),
            sp.GetRequiredService<StageRunner>(), sp.GetRequiredService<QueueWakeups>().For(sp.GetRequiredService<TStage>().QueueName), sp.GetRequiredService<IOptions<PipelineOptions>>(),
            sp.GetRequiredService<ILogger<StageQueueWorker>>()));
        return services;
    }

    private static WakingMailQueue WakingQueue(IServiceProvider services) => new(
        services.GetRequiredService<ILeasedMailQueue>(), services.GetRequiredService<QueueWakeups>(), services.GetService<TimeProvider>() ?? TimeProvider.System);
}
