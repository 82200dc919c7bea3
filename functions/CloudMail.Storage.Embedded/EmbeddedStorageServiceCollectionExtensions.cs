using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Storage.Embedded;

/// <summary>Registers the embedded (files + SQLite) implementations of every Core storage contract.</summary>
public static class EmbeddedStorageServiceCollectionExtensions
{
    public static IServiceCollection AddCloudMailEmbeddedStorage(this IServiceCollection services, string dataDirectory)
    {
        // Placeholder until the embedded backend lands.
        _ = dataDirectory;
        return services;
    }
}
