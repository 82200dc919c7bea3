using CloudMail.Core.Reporting;
using CloudMail.Core.TlsReporting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's TLS report job (RFC 8460): runs <see cref="TlsReportSender.SendDueAsync"/> shortly after start and
/// then at the start of every hour; the sender itself decides which days are due (<see cref="DailyReportSchedule"/>) and
/// skips reports already sent, so hourly runs send each report once, from <see cref="TlsReportingOptions.SendHourUtc"/>
/// on. A failed run is logged and the next hour tries again; nothing is lost, the counts are durable. Does nothing when
/// <see cref="TlsReportingOptions.Enabled"/> is off.
/// </summary>
public sealed partial class TlsReportService(TlsReportSender sender, IOptions<TlsReportingOptions> options, TimeProvider time,
    ILogger<TlsReportService> logger) : BackgroundService
{
    /// <summary>Wait after start before the first run, so it never competes with the host's start.</summary>
    private static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        try
        {
            await Task.Delay(FirstRunDelay, time, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(UntilNextHour(time.GetUtcNow()), time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One run; a failure is logged (the next run retries), cancellation propagates.</summary>
    public async Task<ReportRun?> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            ReportRun run = await sender.SendDueAsync(cancellationToken).ConfigureAwait(false);
            if (run.Sent + run.Deferred > 0) LogRun(run.Sent, run.WithoutPolicy, run.Deferred);
            return run;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(e);
            return null;
        }
    }

    /// <summary>Time from <paramref name="now"/> to a few seconds past the next full hour.</summary>
    public static TimeSpan UntilNextHour(DateTimeOffset now)
    {
        DateTimeOffset hour = new(now.Year, now.Month, now.Day, now.Hour, 0, 0, now.Offset);
        return hour.AddHours(1).AddSeconds(5) - now;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS reports: {Sent} sent, {WithoutPolicy} domains without a reporting policy, {Deferred} deferred")]
    private partial void LogRun(int sent, int withoutPolicy, int deferred);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS report run failed; the next hour's run tries again")]
    private partial void LogRunFailed(Exception exception);
}

/// <summary>Registration of the embedded TLS report job.</summary>
public static class TlsReportServiceCollectionExtensions
{
    /// <summary>TLS reporting (<see cref="TlsReportingServiceCollectionExtensions.AddCloudMailTlsReporting"/>) and the hourly <see cref="TlsReportService"/>.</summary>
    public static IServiceCollection AddCloudMailEmbeddedTlsReports(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddCloudMailTlsReporting(configuration);
        services.AddSingleton<TlsReportService>();
        services.AddHostedService(sp => sp.GetRequiredService<TlsReportService>());
        return services;
    }
}
