using CloudMail.Core.Directory;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.Events;

/// <summary>Registrations of mail events (webhooks) shared by both hosts and the admin commands.</summary>
public static class EventServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="EventOptions"/> (section <see cref="EventOptions.Section"/>, validated at start), the
    /// <see cref="EventStage"/>, and <see cref="AddCloudMailWebhooks"/>. Idempotent. The stage posts through the
    /// <see cref="IWebhookPoster"/> of <c>AddCloudMailDelivery()</c> (CloudMail.Delivery), before or after this call.
    /// </summary>
    public static IServiceCollection AddCloudMailEvents(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(EventStage))) return services;
        services.AddOptions<EventOptions>().Bind(configuration.GetSection(EventOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:Events has invalid values (see EventOptions)")
            .ValidateOnStart();
        services.AddCloudMailWebhooks();
        services.TryAddSingleton<EventStage>();
        return services;
    }

    /// <summary>
    /// <see cref="WebhookSubscriptionCache"/> (each scope's subscriptions remembered for the directory cache's
    /// <see cref="DirectoryCacheOptions.Duration"/>, read from the registered <see cref="IConfiguration"/> if any),
    /// <see cref="WebhookAdministration"/> and <see cref="MailEventPublisher"/>. Idempotent. Needs the storage backend's
    /// <see cref="IWebhookStore"/>, and an <see cref="IMailQueue"/> where events are published.
    /// </summary>
    public static IServiceCollection AddCloudMailWebhooks(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new WebhookSubscriptionCache(sp.GetRequiredService<IWebhookStore>(), sp.GetRequiredService<TimeProvider>(),
            DirectoryCacheOptions.DurationIn(sp.GetService<IConfiguration>())));
        services.TryAddSingleton<WebhookAdministration>();
        services.TryAddSingleton<MailEventPublisher>();
        return services;
    }
}
