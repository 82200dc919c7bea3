using CloudMail.Core.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// Embedded mode's host of a daily report job (TLS-RPT, DMARC aggregate; <see cref="DailyReportJob"/>): runs
/// <see cref="DailyReportJob.SendDueAsync"/> shortly after start and then at the start of every hour; the job itself
/// decides which days are due (<see cref="DailyReportSchedule"/>) and skips reports already sent, so hourly runs send each
/// report once. A failed run is logged and the next hour tries again; nothing is lost, the counts are durable. Does
/// nothing when the job is off.
/// </summary>
public abstract partial class DailyReportService(DailyReportJob job, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>Wait after start before the first run, so it never competes with the host's start.</summary>
    private static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!job.Enabled) return;
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
            return await job.SendDueAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(job.Kind, e);
            return null;
        }
    }

    /// <summary>Time from <paramref name="now"/> to a few seconds past the next full hour.</summary>
    public static TimeSpan UntilNextHour(DateTimeOffset now)
    {
        DateTimeOffset hour = new(now.Year, now.Month, now.Day, now.Hour, 0, 0, now.Offset);
        return hour.AddHours(1).AddSeconds(5) - now;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} report run failed; the next hour's run tries again")]
    private partial void LogRunFailed(string kind, Exception exception);
}

/// <summary>Registration of a daily report job's hosted service.</summary>
public static class DailyReportServiceCollectionExtensions
{
    /// <summary><typeparamref name="TService"/> as a singleton (tests run it by hand) and as the hosted service that runs it hourly.</summary>
    public static IServiceCollection AddCloudMailDailyReportService<TService>(this IServiceCollection services) where TService : DailyReportService
    {
        services.AddSingleton<TService>();
        services.AddHostedService(sp => sp.GetRequiredService<TService>());
        return services;
    }
}
