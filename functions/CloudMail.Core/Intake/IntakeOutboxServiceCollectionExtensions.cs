using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Intake;

/// <summary>Wires intake markers into a host that accepts mail.</summary>
public static class IntakeOutboxServiceCollectionExtensions
{
    /// <summary>Service key of the storage backend's own, undecorated <see cref="IMailQueue"/>.</summary>
    public const string UndecoratedQueueKey = "cloudmail-undecorated-queue";

    /// <summary>
    /// Decorates the registered <see cref="IMailQueue"/> with <see cref="IntakeRecordingQueue"/> (the backend's queue stays
    /// available under <see cref="UndecoratedQueueKey"/>), registers <see cref="StuckIntakeSweeper"/> over the undecorated
    /// queue (its requeues must neither rewrite nor, on failure, remove markers), and the <see cref="IntakeMarkerRemoval"/>
    /// that <see cref="InboundStage"/> removes a routed message's marker with. Call after the storage registration,
    /// which must provide the <see cref="IIntakeOutbox"/> (both backends do); without one this throws
    /// <see cref="InvalidOperationException"/>, so a host cannot run with stuck-intake recovery silently off. Needs a
    /// <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddCloudMailIntakeOutbox(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IMailQueue) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("Register the storage backend (IMailQueue) before AddCloudMailIntakeOutbox.");
        if (!services.Any(d => d.ServiceType == typeof(IIntakeOutbox) && !d.IsKeyedService))
            throw new InvalidOperationException("The storage backend registered no IIntakeOutbox; register it before AddCloudMailIntakeOutbox.");
        services.Remove(registered);
        services.Add(AsKeyed(registered));
        services.Add(ServiceDescriptor.Describe(typeof(IMailQueue),
            sp => new IntakeRecordingQueue(Undecorated(sp), sp.GetRequiredService<IIntakeOutbox>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<IntakeRecordingQueue>>()),
            registered.Lifetime));
        services.TryAddSingleton(sp => new StuckIntakeSweeper(sp.GetRequiredService<IIntakeOutbox>(), sp.GetRequiredService<IDeliveryLog>(),
            sp.GetRequiredService<IMessageBlobStore>(), Undecorated(sp), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<StuckIntakeSweeper>>()));
        services.TryAddSingleton<IntakeMarkerRemoval>();
        return services;
    }

    private static IMailQueue Undecorated(IServiceProvider sp) => sp.GetRequiredKeyedService<IMailQueue>(UndecoratedQueueKey);

    /// <summary>
    /// <paramref name="d"/> (a registration of <see cref="IMailQueue"/>) as the keyed registration <paramref name="key"/>, so a decorator
    /// can take its place and still reach it.
    /// </summary>
    internal static ServiceDescriptor AsKeyed(ServiceDescriptor d, string key = UndecoratedQueueKey) =>
        d.ImplementationInstance is { } instance ? new ServiceDescriptor(typeof(IMailQueue), key, instance)
        : d.ImplementationFactory is { } factory ? ServiceDescriptor.DescribeKeyed(typeof(IMailQueue), key, (sp, _) => factory(sp), d.Lifetime)
        : ServiceDescriptor.DescribeKeyed(typeof(IMailQueue), key, d.ImplementationType!, d.Lifetime);
}
