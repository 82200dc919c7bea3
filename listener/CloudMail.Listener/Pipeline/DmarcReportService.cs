using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Reporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's DMARC aggregate report job (RFC 7489 §7.2): <see cref="DmarcReportSender.SendDueAsync"/> hourly
/// (<see cref="DailyReportService"/>), from <see cref="DmarcReportingOptions.SendHourUtc"/> on; nothing when
/// <see cref="DmarcReportingOptions.Enabled"/> is off.
/// </summary>
public sealed class DmarcReportService(DmarcReportSender sender, IOptions<DmarcReportingOptions> options, TimeProvider time,
    ILogger<DmarcReportService> logger) : DailyReportService(time, logger)
{
    protected override string Kind => "DMARC";

    protected override bool Enabled => options.Value.Enabled;

    protected override Task<ReportRun> SendDueAsync(CancellationToken cancellationToken) => sender.SendDueAsync(cancellationToken);
}

/// <summary>Registration of the embedded DMARC report job.</summary>
public static class DmarcReportServiceCollectionExtensions
{
    /// <summary>DMARC reporting (<see cref="DmarcReportingServiceCollectionExtensions.AddCloudMailDmarcReporting"/>) and the hourly <see cref="DmarcReportService"/>.</summary>
    public static IServiceCollection AddCloudMailEmbeddedDmarcReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailDmarcReporting(configuration);
        services.AddSingleton<DmarcReportService>();
        services.AddHostedService(sp => sp.GetRequiredService<DmarcReportService>());
        return services;
    }
}
