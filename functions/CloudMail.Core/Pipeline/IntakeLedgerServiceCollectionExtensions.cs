using CloudMail.Core.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.Pipeline;

/// <summary>Wires intake markers into a host that accepts mail.</summary>
public static class IntakeLedgerServiceCollectionExtensions
{
    /// <summary>
    /// Decorates the registered <see cref="IMailQueue"/> with <see cref="IntakeRecordingQueue"/>, registers
    /// <see cref="StuckIntakeSweeper"/>, and falls back to <see cref="DisabledIntakeLedger"/> when the storage backend
    /// registered no <see cref="IIntakeLedger"/>. Call after the storage registration. Needs a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddCloudMailIntakeLedger(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IMailQueue) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("Register the storage backend (IMailQueue) before AddCloudMailIntakeLedger.");
        services.Remove(registered);
        if (registered.ImplementationType is { } type) services.TryAdd(ServiceDescriptor.Describe(type, type, registered.Lifetime));
        services.Add(ServiceDescriptor.Describe(typeof(IMailQueue),
            sp => new IntakeRecordingQueue(Resolve(sp, registered), sp.GetRequiredService<IIntakeLedger>(), sp.GetRequiredService<TimeProvider>()),
            registered.Lifetime));
        services.TryAddSingleton<IIntakeLedger, DisabledIntakeLedger>();
        services.TryAddSingleton<StuckIntakeSweeper>();
        return services;
    }

    private static IMailQueue Resolve(IServiceProvider sp, ServiceDescriptor d) => (IMailQueue)(
        d.ImplementationInstance
        ?? d.ImplementationFactory?.Invoke(sp)
        ?? sp.GetRequiredService(d.ImplementationType!));
}
