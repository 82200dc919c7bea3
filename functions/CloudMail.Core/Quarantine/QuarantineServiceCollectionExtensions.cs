using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.Quarantine;

/// <summary>Registrations of the quarantine shared by both hosts and the admin commands.</summary>
public static class QuarantineServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="QuarantineOptions"/> (section <c>CloudMail:Antivirus</c>, validated at start), the
    /// <see cref="QuarantineNotifier"/>, <see cref="PipelineVirusCheck"/> (it scans with the <see cref="IMessageScanner"/>
    /// when one is registered) and <see cref="QuarantineAdministration"/>. Needs the storage contracts
    /// (<see cref="IQuarantineStore"/> included); registers the <see cref="Delivery.BounceSubmitter"/> the notices go
    /// through when the host has not (a pipeline-only host without outbound delivery).
    /// </summary>
    public static IServiceCollection AddCloudMailQuarantine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<QuarantineOptions>().Bind(configuration.GetSection(QuarantineOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:Antivirus quarantine values are invalid (see docs/configuration.md)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Delivery.BounceSubmitter>();
        services.TryAddSingleton<QuarantineNotifier>();
        services.TryAddSingleton<PipelineVirusCheck>();
        services.TryAddSingleton<QuarantineAdministration>();
        return services;
    }
}
