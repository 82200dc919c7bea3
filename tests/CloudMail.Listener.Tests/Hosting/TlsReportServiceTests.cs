using CloudMail.Core.Delivery;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Reporting;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery;
using CloudMail.Listener.Pipeline;
using CloudMail.Listener.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary>TLS and DMARC reporting in <c>cloudmail serve</c>: counts go into the data folder and the hourly jobs run.</summary>
public sealed class TlsReportServiceTests
{
    [Fact]
    public async Task Serve_counts_sessions_in_the_data_folder_and_runs_the_report_job()
    {
        string folder = Path.Combine(Path.GetTempPath(), "cloudmail-tlsrpt-" + Guid.NewGuid().ToString("N"));
        IHost host = CloudMailServerBuilder.BuildServe([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CloudMail:DataDirectory"] = folder,
            ["CloudMail:HostName"] = "mail.a.test",
        }));
        try
        {
            var transport = Assert.IsType<SmtpOutboundTransport>(host.Services.GetRequiredService<IOutboundTransport>());
            Assert.IsType<TlsSessionRecorder>(transport.TlsReports);
            Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is TlsReportService);
            // Nothing counted: a run sends nothing and does not fail.
            Assert.Equal(new ReportRun(0, 0, 0), await host.Services.GetRequiredService<TlsReportService>().RunOnceAsync(CancellationToken.None));
            // DMARC aggregate reports: counted by the inbound check into the data folder, sent by their own hourly job (off by default).
            Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is DmarcReportService);
            Assert.IsType<DmarcReportRecorder>(host.Services.GetRequiredService<IDmarcReportRecorder>());
            Assert.Equal(new ReportRun(0, 0, 0), await host.Services.GetRequiredService<DmarcReportService>().RunOnceAsync(CancellationToken.None));
        }
        finally
        {
            if (host.Services is IAsyncDisposable services) await services.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("2026-12-04T10:00:00Z", 3605)]
    [InlineData("2026-12-04T10:59:59Z", 6)]
    [InlineData("2026-12-04T23:30:00Z", 1805)]
    public void The_job_wakes_a_few_seconds_past_each_full_hour(string now, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), DailyReportService.UntilNextHour(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
