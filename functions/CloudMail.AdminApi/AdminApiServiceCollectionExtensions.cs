using CloudMail.AdminApi.Resources;
using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Core.Quarantine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.AdminApi;

/// <summary>Registers the host-independent admin API (both the embedded host and the Functions app call this).</summary>
public static class AdminApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AdminApiHandler"/>, its <see cref="AdminAuthenticator"/> and resources, and the Core admin services
    /// they share with the CLI (<see cref="AdministrationServiceCollectionExtensions.AddCloudMailAdministration"/>). Needs the
    /// storage contracts (<see cref="IAdminKeyStore"/> included), <see cref="TimeProvider"/> and logging registered by the host;
    /// the quarantine (<see cref="QuarantineServiceCollectionExtensions.AddCloudMailQuarantine"/>); uses the <see cref="Core.Queue.ILeasedMailQueue"/> and <see cref="Core.DnsSetup.IDnsRecordChecker"/> when registered.
    /// </summary>
    public static IServiceCollection AddCloudMailAdminApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailAdministration(configuration);
        services.TryAddSingleton<AdminAuthenticator>();
        services.TryAddSingleton<QueueResource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdminResource, DomainsResource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdminResource, UsersResource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdminResource, AliasesResource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdminResource, ApiKeysResource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdminResource, MessagesResource>());
        services.AddCloudMailQuarantine(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdminResource, QuarantineResource>());
        services.AddSingleton<IAdminResource>(sp => sp.GetRequiredService<QueueResource>());
        services.TryAddSingleton<AdminApiHandler>();
        return services;
    }
}
