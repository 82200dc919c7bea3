using Azure.Monitor.OpenTelemetry.Exporter;
using CloudMail.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CloudMail.Functions.Telemetry;

public static class ApplicationInsightsTelemetry
{
    /// <summary>The app setting Azure (and infra/) gives a Functions app or container for Application Insights.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// Exports <see cref="CloudMailTelemetry"/>'s traces (the stage spans continue the listener's traces through the
    /// job's traceparent) and metrics to Application Insights when <see cref="ConnectionStringSetting"/> is set; nothing
    /// otherwise.
    /// </summary>
    public static IServiceCollection AddCloudMailApplicationInsights(this IServiceCollection services, IConfiguration configuration)
    {
        string? connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString)) return services;
        string serviceName = configuration[TelemetryOptions.Section + ":ServiceName"] ?? "cloudmail-functions";
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t.AddSource(CloudMailTelemetry.Name).AddAzureMonitorTraceExporter(o => o.ConnectionString = connectionString))
            .WithMetrics(m => m.AddMeter(CloudMailTelemetry.Name).AddAzureMonitorMetricExporter(o => o.ConnectionString = connectionString));
        return services;
    }
}
