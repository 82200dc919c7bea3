using CloudMail.Core.Delivery;
using CloudMail.Core.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Directory;

/// <summary>Registers the recipient decision every host that accepts or routes mail shares.</summary>
public static class RecipientAdmissionServiceCollectionExtensions
{
    /// <summary>
    /// Adds, if missing, <see cref="RoutingOptions"/> (section <see cref="RoutingOptions.Section"/>, validated at start),
    /// the <see cref="SrsSecret"/> of <see cref="RoutingOptions.SrsSecret"/> (a host may register its own, after this
    /// call), <see cref="SrsRewriter"/>, <see cref="RecipientResolver"/>, <see cref="RecipientAdmission"/> and the
    /// <see cref="IRemoteDeliveryRoute"/> <see cref="NoRemoteDeliveryRoute"/> (remote domains refused). A host with an
    /// outbound stage registers its own route, before or after this call (a later <c>AddSingleton</c> wins). Needs an
    /// <see cref="IMailDirectory"/> and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddCloudMailRecipientAdmission(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(d => d.ServiceType == typeof(RoutingOptionsMarker)))
        {
            services.AddSingleton<RoutingOptionsMarker>();
            services.AddOptions<RoutingOptions>().Bind(configuration.GetSection(RoutingOptions.Section))
                .Validate(o => !o.Problems().Any(), "CloudMail:Routing has invalid values (see RoutingOptions)")
                .ValidateOnStart();
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => SrsSecret.From(sp.GetRequiredService<IOptions<RoutingOptions>>().Value.SrsSecret));
        services.TryAddSingleton<SrsRewriter>();
        services.TryAddSingleton<RecipientResolver>();
        services.TryAddSingleton<IRemoteDeliveryRoute>(NoRemoteDeliveryRoute.Instance);
        services.TryAddSingleton<RecipientAdmission>();
        return services;
    }

    /// <summary>Marks <see cref="RoutingOptions"/> as bound, so that several callers bind and validate it once.</summary>
    private sealed class RoutingOptionsMarker;
}
