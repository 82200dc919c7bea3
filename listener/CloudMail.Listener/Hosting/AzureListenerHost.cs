using CloudMail.Core.Retention;
using Microsoft.Extensions.DependencyInjection.Extensions;
using CloudMail.Core.Directory;
using CloudMail.Core.Delivery;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Listener.Azure;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Imap;
using CloudMail.Listener.Hosting;
using CloudMail.Listener.Network;
using CloudMail.Storage.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail listener</c>: the Azure container's process. The same SMTP, IMAP and POP3 handlers as <c>serve</c>, on
/// the Azure backends (Blob, Table; Service Bus as the mail queue, so an accepted message becomes one job on the
/// <c>inbound</c> queue for the Functions app), plus a health endpoint for the platform. No pipeline worker runs here
/// and no HTTP send API (the Functions app serves it). On SIGTERM the host stops accepting, lets sessions finish for up
/// to <see cref="CloudMailOptions.DrainTimeout"/> (the health endpoint answers 503 meanwhile), then exits.
/// </summary>
public static class AzureListenerHost
{
    /// <summary>
    /// Builds the listener host. <paramref name="configure"/> adds configuration (tests: ports 0, Azurite);
    /// <paramref name="replaceStorage"/> runs right after the Azure storage registration, before anything decorates it,
    /// so tests can swap an SDK client (e.g. a Service Bus client that captures instead of sending).
    /// </summary>
    public static IHost BuildListener(string[] args, Action<IConfigurationBuilder>? configure = null, Action<IServiceCollection>? replaceStorage = null)
    {
        var builder = Host.CreateApplicationBuilder(CloudMailServerBuilder.HostSettings(args));
        configure?.Invoke(builder.Configuration);
        builder.Services.AddCloudMailAzureListener(builder.Configuration, replaceStorage);
        builder.Services.AddCloudMailTelemetry(builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// Core services, the Azure backends with intake markers, the protocol handlers, the endpoint listener and the
    /// health endpoint, as hosted services in that start order (health last, so it answers once listeners are bound).
    /// </summary>
    public static IServiceCollection AddCloudMailAzureListener(this IServiceCollection services, IConfiguration configuration,
        Action<IServiceCollection>? replaceStorage = null)
    {
        services.AddCloudMailCore(configuration);
        services.AddCloudMailAzureStorage(configuration);
        replaceStorage?.Invoke(services);
        services.AddCloudMailDirectoryCache(CloudMailServerBuilder.DirectoryCacheOf(configuration));
        services.AddCloudMailIntakeOutbox();
        // The inbound check counts DMARC results into the shared table; the Functions app's timer sends the reports.
        services.AddCloudMailDmarcReporting(configuration);
        services.AddCloudMailProtocols(configuration);
        // Remote recipients are accepted: the Functions app's outbound stage delivers or bounces them.
        services.Replace(ServiceDescriptor.Singleton<IRemoteDeliveryRoute>(PipelineDeliveryRoute.Instance));
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section))
            .Configure(o => o.Port = configuration.GetValue(HealthOptions.PortKey, HealthOptions.DefaultPort))
            .Validate(o => o.Port is >= -1 and <= 65535, "CloudMail:Ports:Health must be -1 (off), 0 (any free port) or a port number")
            .Validate(o => o.StorageTimeout > TimeSpan.Zero && o.CacheFor >= TimeSpan.Zero, "CloudMail:Health timeouts must be positive")
            .ValidateOnStart();
        // IDLE across replicas: the in-process notifier cannot hear other replicas or the Functions app.
        services.AddSingleton<ReplicaChangePoller>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplicaChangePoller>());
        // The spam-training table is this identity's to prune (the Functions app's retention timer may not touch it).
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => !o.Problems().Any(), $"{RetentionOptions.Section} values are invalid (see docs/configuration.md)")
            .ValidateOnStart();
        services.AddSingleton<SpamTrainingRetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<SpamTrainingRetentionService>());
        services.AddSingleton<ListenerHealth>();
        services.AddSingleton<HealthEndpointService>();
        // The platform waits terminationGracePeriodSeconds (60 s) after SIGTERM; the host must outlast the drain.
        services.AddOptions<HostOptions>().Configure<IOptions<CloudMailOptions>>((host, mail) =>
            host.ShutdownTimeout = mail.Value.DrainTimeout + TimeSpan.FromSeconds(5));
        services.AddHostedService<HostNameHint>();
        services.AddHostedService(sp => sp.GetRequiredService<EndpointListenerService>());
        services.AddHostedService<HangupSignalService>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthEndpointService>());
        return services;
    }
}
