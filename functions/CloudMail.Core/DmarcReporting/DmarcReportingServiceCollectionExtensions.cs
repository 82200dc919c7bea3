using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.DmarcReporting;

/// <summary>Registrations of DMARC aggregate reporting shared by the hosts.</summary>
public static class DmarcReportingServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="DmarcReportingOptions"/> (section <see cref="DmarcReportingOptions.Section"/>, validated at start), the
    /// <see cref="DmarcReportRecorder"/> as <see cref="IDmarcReportRecorder"/> (the inbound authentication check reports
    /// to it when registered) and the <see cref="DmarcReportSender"/>. Needs an <see cref="IDmarcReportStore"/> (storage),
    /// an <see cref="IDmarcReportDns"/> (<c>AddCloudMailFiltering()</c>), the <see cref="Delivery.BounceSubmitter"/> of the
    /// outbound registrations and logging. A host then runs the sender daily: a hosted service (embedded) or a timer (Functions).
    /// </summary>
    public static IServiceCollection AddCloudMailDmarcReporting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DmarcReportingOptions>().Bind(configuration.GetSection(DmarcReportingOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:DmarcReports has invalid values (see DmarcReportingOptions)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDmarcReportRecorder, DmarcReportRecorder>();
        services.TryAddSingleton<DmarcReportSender>();
        return services;
    }
}
