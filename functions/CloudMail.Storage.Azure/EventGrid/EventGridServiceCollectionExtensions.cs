using CloudMail.Core.Events;
using CloudMail.Storage.Azure.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Storage.Azure.EventGrid;

/// <summary>Registration of Event Grid publishing (Azure mode).</summary>
public static class EventGridServiceCollectionExtensions
{
    /// <summary>
    /// When <c>CloudMail:Events:EventGrid:Endpoint</c> is set: <see cref="EventGridOptions"/> (validated at start),
    /// <see cref="EventGridConnection"/> (unless registered: the credential from the section's <c>credential</c> /
    /// <c>clientId</c>, <see cref="AzureCredentials"/>) and <see cref="EventGridSender"/> as the <see cref="IEventGridSender"/>
    /// the event publisher and stage use. Without the setting nothing is registered and no event goes to Event Grid.
    /// Idempotent.
    /// </summary>
    public static IServiceCollection AddCloudMailEventGrid(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(EventGridOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(EventGridOptions.Endpoint)]) || services.Any(d => d.ServiceType == typeof(IEventGridSender)))
            return services;
        services.AddOptions<EventGridOptions>().Bind(section)
            .Validate(o => !o.Problems().Any(), "CloudMail:Events:EventGrid has invalid values (see EventGridOptions)")
            .ValidateOnStart();
        services.TryAddSingleton(_ => new EventGridConnection(AzureCredentials.Create(section).Credential));
        services.AddSingleton<IEventGridSender, EventGridSender>();
        return services;
    }
}
