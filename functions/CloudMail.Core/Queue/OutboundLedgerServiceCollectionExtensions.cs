using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Intake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Queue;

/// <summary>Wires the outbound ledger into a host that runs the pipeline (the Functions app, embedded <c>serve</c>).</summary>
public static class OutboundLedgerServiceCollectionExtensions
{
    /// <summary>Service key of the <see cref="IMailQueue"/> registered before <see cref="AddCloudMailOutboundLedger"/> decorated it.</summary>
    public const string UnledgeredQueueKey = "cloudmail-unledgered-queue";

    /// <summary>
    /// Decorates the registered <see cref="IMailQueue"/> with <see cref="OutboundLedgerQueue"/> (what was registered stays
    /// available under <see cref="UnledgeredQueueKey"/>), registers the <see cref="OutboundLedger"/> that
    /// <see cref="Delivery.OutboundStage"/> removes settled jobs' entries with, and <see cref="StuckOutboundSweeper"/> over
    /// the undecorated queue. Call after the storage registration, which must provide the ledger's store (an
    /// <see cref="IIntakeOutbox"/> keyed <see cref="OutboundLedger.StoreKey"/>; both backends do); without one this throws
    /// <see cref="InvalidOperationException"/>, so a host cannot run with the outbound sweep silently off.
    /// </summary>
    public static IServiceCollection AddCloudMailOutboundLedger(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IMailQueue) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("Register the storage backend (IMailQueue) before AddCloudMailOutboundLedger.");
        if (!services.Any(d => d.ServiceType == typeof(IIntakeOutbox) && Equals(d.ServiceKey, OutboundLedger.StoreKey)))
            throw new InvalidOperationException("The storage backend registered no outbound ledger store; register it before AddCloudMailOutboundLedger.");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new OutboundLedger(sp.GetRequiredKeyedService<IIntakeOutbox>(OutboundLedger.StoreKey)));
        services.Remove(registered);
        services.Add(IntakeOutboxServiceCollectionExtensions.AsKeyed(registered, UnledgeredQueueKey));
        services.Add(ServiceDescriptor.Describe(typeof(IMailQueue),
            sp => new OutboundLedgerQueue(Unledgered(sp), sp.GetRequiredService<OutboundLedger>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<OutboundLedgerQueue>>()),
            registered.Lifetime));
        services.TryAddSingleton(sp => new StuckOutboundSweeper(sp.GetRequiredService<OutboundLedger>(), sp.GetRequiredService<IDeliveryLog>(),
            sp.GetRequiredService<IMessageBlobStore>(), Unledgered(sp), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<StuckOutboundSweeper>>()));
        return services;
    }

    private static IMailQueue Unledgered(IServiceProvider sp) => sp.GetRequiredKeyedService<IMailQueue>(UnledgeredQueueKey);
}
