using Azure.Monitor.OpenTelemetry.Exporter;
using CloudMail.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CloudMail.Listener.Hosting;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Exports <see cref="CloudMailTelemetry"/>'s traces and metrics over OTLP/HTTP (protobuf) to
    /// <see cref="TelemetryOptions.OtlpEndpoint"/> when it is set (<c>/v1/traces</c>, <c>/v1/metrics</c> below it), and to
    /// Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (infra/ sets it on the listener
    /// apps), and serves the metrics for Prometheus at <c>http://</c><see cref="TelemetryOptions.PrometheusEndpoint"/><c>/metrics</c> when
    /// that is set; does nothing otherwise. Used by <c>serve</c> and by the Azure <c>listener</c>.
    /// </summary>
    public static IServiceCollection AddCloudMailTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        string? problem = options.Problems().FirstOrDefault();
        if (problem is not null) throw new InvalidOperationException(problem);
        string? appInsights = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        bool otlp = options.OtlpEndpoint.Length > 0, azure = !string.IsNullOrWhiteSpace(appInsights), prometheus = options.PrometheusEndpoint.Length > 0;
        if (!otlp && !azure && !prometheus) return services;
        var baseAddress = otlp ? new Uri(options.OtlpEndpoint.TrimEnd('/') + "/") : null;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(t =>
            {
                t.AddSource(CloudMailTelemetry.Name);
                if (otlp) t.AddOtlpExporter(o => { o.Protocol = OtlpExportProtocol.HttpProtobuf; o.Endpoint = new Uri(baseAddress!, "v1/traces"); });
                if (azure) t.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights);
            })
            .WithMetrics(m =>
            {
                m.AddMeter(CloudMailTelemetry.Name);
                if (otlp)
                {
                    m.AddOtlpExporter((o, reader) =>
                    {
                        o.Protocol = OtlpExportProtocol.HttpProtobuf;
                        o.Endpoint = new Uri(baseAddress!, "v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000;
                    });
                }
                if (azure) m.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights);
                if (prometheus)
                {
                    m.AddPrometheusHttpListener(o =>
                    {
                        (o.Host, o.Port) = options.PrometheusHostAndPort()!.Value;
                        o.ScrapeEndpointPath = "/metrics";
                    });
                }
            });
        return services;
    }
}
