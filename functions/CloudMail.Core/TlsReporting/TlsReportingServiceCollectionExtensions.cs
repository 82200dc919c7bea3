using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.TlsReporting;

/// <summary>Registrations of TLS reporting shared by both hosts.</summary>
public static class TlsReportingServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="TlsReportingOptions"/> (section <see cref="TlsReportingOptions.Section"/>, validated at start), the
    /// <see cref="TlsSessionRecorder"/> as <see cref="ITlsSessionRecorder"/> (the outbound transport reports to it when
    /// registered) and the <see cref="TlsReportSender"/>. Needs an <see cref="ITlsReportStore"/> (storage), an
    /// <see cref="ITlsRptRecordLookup"/> (<c>AddCloudMailDelivery()</c>), the outbound registrations
    /// (<see cref="Delivery.OutboundServiceCollectionExtensions.AddCloudMailOutbound"/>) and logging. A host then runs the
    /// sender daily: a hosted service (embedded) or a timer (Functions).
    /// </summary>
    public static IServiceCollection AddCloudMailTlsReporting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TlsReportingOptions>().Bind(configuration.GetSection(TlsReportingOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:TlsReporting has invalid values (see TlsReportingOptions)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITlsSessionRecorder, TlsSessionRecorder>();
        services.TryAddSingleton<TlsReportSender>();
        return services;
    }
}
