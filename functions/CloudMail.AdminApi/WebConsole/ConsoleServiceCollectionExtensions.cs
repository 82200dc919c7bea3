using CloudMail.AdminApi.Resources;
using CloudMail.Core.Admin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>Registers the host-independent web console.</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ConsoleHandler"/>, its <see cref="ConsoleSessions"/> and pages, and binds <see cref="ConsoleOptions"/>
    /// (validated at start). The pages use the same Core admin services
    /// (<see cref="AdministrationServiceCollectionExtensions.AddCloudMailAdministration"/>) and queue administration
    /// (<see cref="QueueResource"/>) as the admin API; each is registered once whichever of the two is added first. Uses <see cref="Core.DeliveryLog.IDeliveryLogStatistics"/>
    /// and <see cref="Core.DnsSetup.IDnsRecordChecker"/> when registered.
    /// </summary>
    public static IServiceCollection AddCloudMailConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailAdministration(configuration);
        services.TryAddSingleton<QueueResource>();
        services.AddOptions<ConsoleOptions>()
            .Bind(configuration.GetSection(ConsoleOptions.Section))
            .Validate(o => o.IdleTimeout > TimeSpan.Zero && o.MaxLifetime > TimeSpan.Zero && o.MaxSessions > 0,
                "CloudMail:Console timeouts and MaxSessions must be positive")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConsoleSessions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConsolePage, DashboardPage>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConsolePage, DomainsPage>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConsolePage, UsersPage>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConsolePage, QueuePage>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConsolePage, TracePage>());
        services.TryAddSingleton<ConsoleHandler>();
        return services;
    }
}
