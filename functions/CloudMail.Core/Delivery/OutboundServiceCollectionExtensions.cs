using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.Delivery;

/// <summary>Registrations of remote delivery shared by both hosts.</summary>
public static class OutboundServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="DeliveryOptions"/> (section <see cref="DeliveryOptions.Section"/>, validated at start), the
    /// <see cref="OutboundStage"/> with its <see cref="BounceSubmitter"/>, and <see cref="OutboundDeliveryRoute"/> as the
    /// <see cref="IRemoteDeliveryRoute"/> (replacing <see cref="NoRemoteDeliveryRoute"/>). No transport: remote recipients
    /// stay refused until one is registered (<c>AddCloudMailDelivery()</c> of <c>CloudMail.Delivery</c>), before or after
    /// this call; an <see cref="IOutboundMessageSigner"/> is used when registered. A host then runs the stage: a queue
    /// worker (embedded) or its outbound trigger (Functions). Needs the storage contracts, logging and the pipeline
    /// (<see cref="Pipeline.PipelineServiceCollectionExtensions.AddCloudMailPipeline"/>).
    /// </summary>
    public static IServiceCollection AddCloudMailOutbound(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:Delivery has invalid values (see DeliveryOptions)")
            .ValidateOnStart();
        // DeliveryOptions.HeloName: empty means CloudMail:HostName (the name the listener greets with), else the machine's.
        services.PostConfigure<DeliveryOptions>(o =>
        {
            if (string.IsNullOrWhiteSpace(o.HeloName)) o.HeloName = configuration["CloudMail:HostName"] ?? "";
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BounceSubmitter>();
        services.TryAddSingleton<OutboundStage>();
        services.AddSingleton<IRemoteDeliveryRoute, OutboundDeliveryRoute>();
        return services;
    }
}
