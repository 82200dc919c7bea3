using CloudMail.Core.Retention;
using CloudMail.AdminApi;
using CloudMail.Core.Dkim;
using CloudMail.Delivery;
using CloudMail.Filtering;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Directory;
using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.TlsReporting;
using CloudMail.Core.Queue;
using CloudMail.Functions.Health;
using CloudMail.Functions.Telemetry;
using CloudMail.Functions.Queueing;
using CloudMail.SendApi;
using CloudMail.Storage.Azure.Queue;
using CloudMail.Storage.Azure;
using CloudMail.Storage.Azure.EventGrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Functions;

/// <summary>Registrations of the Functions app (Program.cs calls <see cref="AddCloudMailFunctions"/> and nothing else).</summary>
public static class FunctionsServiceCollectionExtensions
{
    /// <summary>
    /// The whole app: the Azure backends (Blob, Table, Service Bus as the mail queue, the intake outbox; connections from
    /// the <c>CloudMailStorage</c> / <c>CloudMailServiceBus</c> settings), the <see cref="ServiceBusRetrySender"/> the
    /// queue triggers reschedule with, the start-up check that every Service Bus trigger can be bound
    /// (<see cref="Health.ServiceBusTriggerSelfCheck"/>), and <see cref="AddCloudMailFunctionServices"/>.
    /// </summary>
    public static IServiceCollection AddCloudMailFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailAzureStorage(configuration);
        services.AddCloudMailDirectoryCache(configuration.GetSection(DirectoryCacheOptions.Section).Get<DirectoryCacheOptions>() ?? new DirectoryCacheOptions());
        services.TryAddSingleton(sp => new ServiceBusRetrySender(sp.GetRequiredService<CloudMailAzureClients>().ServiceBus));
        services.AddCloudMailServiceBusTriggerCheck();
        return services.AddCloudMailFunctionServices(configuration);
    }

    /// <summary>
    /// Everything but storage and the <see cref="ServiceBusRetrySender"/>, over whatever backend is registered before
    /// (tests use the embedded one, and a retry sender over a capturing Service Bus client): the pipeline
    /// (<see cref="PipelineServiceCollectionExtensions.AddCloudMailPipeline"/>: the stages, <see cref="StageRunner"/>,
    /// <see cref="PipelineOptions"/>; <see cref="OutboundServiceCollectionExtensions.AddCloudMailOutbound"/>: the outbound stage, no transport; TLS reporting and its <see cref="TlsReportSender"/>, DMARC reporting and its <see cref="DmarcReportSender"/>, for the hourly timers) and the <see cref="ServiceBusStageInvoker"/> the queue triggers run it with, Event Grid publishing of the mail events when <c>CloudMail:Events:EventGrid:Endpoint</c> is set
    /// (<see cref="EventGridServiceCollectionExtensions.AddCloudMailEventGrid"/>), the send
    /// API and the admin API (<see cref="AdminApiServiceCollectionExtensions.AddCloudMailAdminApi"/>), intake markers and the stuck-intake sweep, the outbound ledger and the stuck-outbound sweep, the <see cref="MessageReclaimer"/> of the reclaim timer,
    /// telemetry to Application Insights when its connection string is set, and <see cref="FunctionsOptions"/>. Only what the functions use: no protocol or admin services.
    /// </summary>
    public static IServiceCollection AddCloudMailFunctionServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FunctionsOptions>().Bind(configuration.GetSection(FunctionsOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:Functions has invalid values (see FunctionsOptions)")
            .ValidateOnStart();
        services.AddCloudMailEventGrid(configuration);
        services.AddCloudMailPipeline(configuration);
        // The delivery options bind from the registered configuration (the host registers it; a bare container gets this one).
        services.TryAddSingleton(configuration);
        services.AddCloudMailDelivery();
        services.AddCloudMailFiltering();
        services.AddCloudMailDkimSigning();
        services.AddCloudMailOutbound(configuration);
        services.AddCloudMailTlsReporting(configuration);
        services.AddCloudMailDmarcReporting(configuration);
        services.AddCloudMailApplicationInsights(configuration);
        services.TryAddSingleton<ServiceBusStageInvoker>();
        services.TryAddSingleton<MessageReclaimer>();
        services.AddCloudMailSendApi(configuration);
        services.AddCloudMailAdminApi(configuration);
        services.AddCloudMailIntakeOutbox();
        services.AddCloudMailOutboundLedger();
        // Not the spam-training table: this identity has no access to it (the Azure listener prunes it).
        services.AddCloudMailRetention(configuration, pruneSpamTraining: false);
        return services;
    }
}
