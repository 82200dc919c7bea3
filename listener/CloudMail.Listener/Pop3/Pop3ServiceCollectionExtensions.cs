using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Pop3;

/// <summary>Registers the Pop3 connection handler (keyed "pop3") and its options.</summary>
public static class Pop3ServiceCollectionExtensions
{
    public static IServiceCollection AddCloudMailPop3(this IServiceCollection services, IConfiguration configuration)
    {
        // Placeholder until the Pop3 session lands.
        _ = configuration;
        return services;
    }
}
