using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Smtp;

/// <summary>Registers the Smtp connection handler (keyed "smtp") and its options.</summary>
public static class SmtpServiceCollectionExtensions
{
    public static IServiceCollection AddCloudMailSmtp(this IServiceCollection services, IConfiguration configuration)
    {
        // Placeholder until the Smtp session lands.
        _ = configuration;
        return services;
    }
}
