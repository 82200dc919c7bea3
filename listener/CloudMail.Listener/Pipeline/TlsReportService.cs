using CloudMail.Core.TlsReporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's TLS report job (RFC 8460): <see cref="Core.Reporting.DailyReportJob.SendDueAsync"/> of <see cref="TlsReportSender"/> hourly (<see cref="DailyReportService"/>),
/// from <see cref="TlsReportingOptions.SendHourUtc"/> on; nothing when <see cref="TlsReportingOptions.Enabled"/> is off.
/// </summary>
public sealed class TlsReportService(TlsReportSender sender, TimeProvider time, ILogger<TlsReportService> logger)
    : DailyReportService(sender, time, logger);

/// <summary>Registration of the embedded TLS report job.</summary>
public static class TlsReportServiceCollectionExtensions
{
    /// <summary>TLS reporting (<see cref="TlsReportingServiceCollectionExtensions.AddCloudMailTlsReporting"/>) and the hourly <see cref="TlsReportService"/>.</summary>
    public static IServiceCollection AddCloudMailEmbeddedTlsReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailTlsReporting(configuration);
        return services.AddCloudMailDailyReportService<TlsReportService>();
    }
}
