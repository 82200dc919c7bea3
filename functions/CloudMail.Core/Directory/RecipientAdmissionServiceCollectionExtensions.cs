using CloudMail.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.Directory;

/// <summary>Registers the recipient decision every host that accepts or routes mail shares.</summary>
public static class RecipientAdmissionServiceCollectionExtensions
{
    /// <summary>
    /// Adds, if missing, <see cref="RecipientResolver"/>, <see cref="RecipientAdmission"/> and the
    /// <see cref="IRemoteDeliveryRoute"/> <see cref="NoRemoteDeliveryRoute"/> (remote domains refused). A host with an
    /// outbound stage registers its own route, before or after this call (a later <c>AddSingleton</c> wins). Needs an
    /// <see cref="IMailDirectory"/>.
    /// </summary>
    public static IServiceCollection AddCloudMailRecipientAdmission(this IServiceCollection services)
    {
        services.TryAddSingleton<RecipientResolver>();
        services.TryAddSingleton<IRemoteDeliveryRoute>(NoRemoteDeliveryRoute.Instance);
        services.TryAddSingleton<RecipientAdmission>();
        return services;
    }
}
