using CloudMail.Core.DmarcReporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's DMARC aggregate report job (RFC 7489 §7.2): <see cref="Core.Reporting.DailyReportJob.SendDueAsync"/> of <see cref="DmarcReportSender"/> hourly
/// (<see cref="DailyReportService"/>), from <see cref="DmarcReportingOptions.SendHourUtc"/> on; nothing when
/// <see cref="DmarcReportingOptions.Enabled"/> is off.
/// </summary>
public sealed class DmarcReportService(DmarcReportSender sender, TimeProvider time, ILogger<DmarcReportService> logger)
    : DailyReportService(sender, time, logger);

/// <summary>Registration of the embedded DMARC report job.</summary>
public static class DmarcReportServiceCollectionExtensions
{
    /// <summary>DMARC reporting (<see cref="DmarcReportingServiceCollectionExtensions.AddCloudMailDmarcReporting"/>) and the hourly <see cref="DmarcReportService"/>.</summary>
    public static IServiceCollection AddCloudMailEmbeddedDmarcReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailDmarcReporting(configuration);
        return services.AddCloudMailDailyReportService<DmarcReportService>();
    }
}
