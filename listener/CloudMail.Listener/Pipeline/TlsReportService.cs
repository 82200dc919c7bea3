using CloudMail.Core.Reporting;
using CloudMail.Core.TlsReporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's TLS report job (RFC 8460): <see cref="TlsReportSender.SendDueAsync"/> hourly (<see cref="DailyReportService"/>),
/// from <see cref="TlsReportingOptions.SendHourUtc"/> on; nothing when <see cref="TlsReportingOptions.Enabled"/> is off.
/// </summary>
public sealed class TlsReportService(TlsReportSender sender, IOptions<TlsReportingOptions> options, TimeProvider time,
    ILogger<TlsReportService> logger) : DailyReportService(time, logger)
{
    protected override string Kind => "TLS";

    protected override bool Enabled => options.Value.Enabled;

    protected override Task<ReportRun> SendDueAsync(CancellationToken cancellationToken) => sender.SendDueAsync(cancellationToken);
}

/// <summary>Registration of the embedded TLS report job.</summary>
public static class TlsReportServiceCollectionExtensions
{
    /// <summary>TLS reporting (<see cref="TlsReportingServiceCollectionExtensions.AddCloudMailTlsReporting"/>) and the hourly <see cref="TlsReportService"/>.</summary>
    public static IServiceCollection AddCloudMailEmbeddedTlsReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailTlsReporting(configuration);
        services.AddSingleton<TlsReportService>();
        services.AddHostedService(sp => sp.GetRequiredService<TlsReportService>());
        return services;
    }
}
