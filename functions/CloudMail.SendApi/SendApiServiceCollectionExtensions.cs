using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.SendApi;

/// <summary>Registers the host-independent send API (both the embedded host and the Functions app call this).</summary>
public static class SendApiServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="SendApiOptions"/> and registers <see cref="SendApiHandler"/> with its parts (and,
    /// if missing, the recipient decision of <see cref="RecipientAdmissionServiceCollectionExtensions.AddCloudMailRecipientAdmission"/>).
    /// Needs the storage contracts (<see cref="IIdempotencyStore"/> included), <see cref="IApiKeyStore"/>, <see cref="IMailDirectory"/>,
    /// <see cref="TimeProvider"/> and logging to be registered by the host.
    /// </summary>
    public static IServiceCollection AddCloudMailSendApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SendApiOptions>().Bind(configuration.GetSection(SendApiOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:SendApi has invalid values (sizes and counts must be positive; MaxInFlightBytesPerKey at least MaxRequestSize, MaxInFlightBytes at least MaxInFlightBytesPerKey)")
            .ValidateOnStart();
        services.AddCloudMailRecipientAdmission(configuration);
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<MessageAcceptor>();
        services.AddSingleton<InFlightBytes>();
        services.AddSingleton<MessageOwnership>();
        services.AddSingleton<SendApiHandler>();
        return services;
    }
}
