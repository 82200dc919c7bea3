using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Core.SendApi;

/// <summary>Registers the host-independent send API (both the embedded host and the Functions app call this).</summary>
public static class SendApiServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="SendApiOptions"/> and registers <see cref="SendApiHandler"/> with its parts.
    /// Needs the storage contracts, <see cref="Directory.IApiKeyStore"/>, <see cref="Directory.IMailDirectory"/>,
    /// <see cref="TimeProvider"/> and logging to be registered by the host.
    /// </summary>
    public static IServiceCollection AddCloudMailSendApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SendApiOptions>().Bind(configuration.GetSection(SendApiOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:SendApi has invalid values (sizes and counts must be positive)")
            .ValidateOnStart();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<MessageAcceptor>();
        services.AddSingleton<MessageOwnership>();
        services.AddSingleton<SendApiHandler>();
        return services;
    }
}
