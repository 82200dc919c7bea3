using CloudMail.Core.Directory;
using CloudMail.Core.Events;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Quotas;
using CloudMail.Core.Quarantine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.Pipeline;

/// <summary>Registrations of the message pipeline shared by both hosts.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="PipelineOptions"/> (section <see cref="PipelineOptions.Section"/>, validated at start), the
    /// <see cref="SettlementPolicy"/> and <see cref="StageRunner"/>, and the stages with what they need:
    /// <see cref="InboundProcessor"/>, <see cref="InboundStage"/> with its virus scan and quarantine
    /// (<see cref="QuarantineServiceCollectionExtensions.AddCloudMailQuarantine"/>), the quota decision (<see cref="QuotaServiceCollectionExtensions.AddCloudMailQuotas"/>), the event stage and publisher
    /// (<see cref="EventServiceCollectionExtensions.AddCloudMailEvents"/>) (the outbound stage:
    /// <see cref="Delivery.OutboundServiceCollectionExtensions.AddCloudMailOutbound"/>). A host then runs the stages it consumes: a queue worker or a trigger per stage. Needs the storage contracts, a
    /// <see cref="TimeProvider"/> and logging.
    /// </summary>
    public static IServiceCollection AddCloudMailPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:Pipeline has invalid values (see PipelineOptions)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddCloudMailRecipientAdmission(configuration);
        services.AddCloudMailQuotas(configuration);
        services.TryAddSingleton<MailboxChangeNotifier>();
        services.TryAddSingleton<SettlementPolicy>();
        services.TryAddSingleton<StageRunner>();
        services.AddCloudMailSenderLists();
        services.TryAddSingleton<OverQuotaDeliveryPolicy>();
        services.AddCloudMailEvents(configuration);
        services.TryAddSingleton<Delivery.BounceSubmitter>();
        services.TryAddSingleton<InboundProcessor>();
        services.AddCloudMailQuarantine(configuration);
        services.TryAddSingleton<InboundStage>();
        return services;
    }
}
