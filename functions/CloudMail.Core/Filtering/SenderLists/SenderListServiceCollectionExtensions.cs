using CloudMail.Core.Directory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.Filtering.SenderLists;

/// <summary>Registrations of the sender lists shared by both hosts and the admin commands.</summary>
public static class SenderListServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="SenderListPolicy"/> (each scope's entries remembered for the directory cache's
    /// <see cref="DirectoryCacheOptions.Duration"/>, read from the registered <see cref="IConfiguration"/> if any) and
    /// <see cref="SenderListAdministration"/>. Idempotent. Needs the storage backend's <see cref="ISenderListStore"/>.
    /// </summary>
    public static IServiceCollection AddCloudMailSenderLists(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SenderListPolicy(sp.GetRequiredService<ISenderListStore>(), sp.GetRequiredService<TimeProvider>(),
            DirectoryCacheOptions.DurationIn(sp.GetService<IConfiguration>())));
        services.TryAddSingleton<SenderListAdministration>();
        return services;
    }
}
