using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Imap;

/// <summary>Registers the Imap connection handler (keyed "imap") and its options.</summary>
public static class ImapServiceCollectionExtensions
{
    public static IServiceCollection AddCloudMailImap(this IServiceCollection services, IConfiguration configuration)
    {
        // Placeholder until the Imap session lands.
        _ = configuration;
        return services;
    }
}
