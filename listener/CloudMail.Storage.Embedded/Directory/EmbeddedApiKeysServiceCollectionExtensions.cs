using CloudMail.Core.Directory;
using CloudMail.Storage.Embedded.Directory;
using Microsoft.Extensions.DependencyInjection;

// In the package's root namespace, beside AddCloudMailEmbeddedStorage, so composition roots need no extra using.
namespace CloudMail.Storage.Embedded;

/// <summary>Registers the embedded <see cref="IApiKeyStore"/> and <see cref="IAdminKeyStore"/>.</summary>
public static class EmbeddedApiKeysServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteApiKeyStore"/> on DataDirectory/cloudmail-apikeys.db as the singleton
    /// <see cref="IApiKeyStore"/>, and <see cref="SqliteAdminKeyStore"/> on the same file as <see cref="IAdminKeyStore"/>. Uses the
    /// registered <see cref="TimeProvider"/>, or the system clock.
    /// </summary>
    public static IServiceCollection AddCloudMailEmbeddedApiKeys(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton<IApiKeyStore>(sp => new SqliteApiKeyStore(dataDirectory, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IAdminKeyStore>(sp => new SqliteAdminKeyStore(dataDirectory, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
