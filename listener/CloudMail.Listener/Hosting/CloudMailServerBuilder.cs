using CloudMail.Core.Retention;
using CloudMail.Core.Dkim;
using CloudMail.Delivery;
using CloudMail.Filtering;
using CloudMail.Core.Admin;
using CloudMail.Core.Auth;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Directory;
using CloudMail.Core.Events;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Intake;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Quotas;
using CloudMail.Core.Quarantine;
using CloudMail.Core.Routing;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Imap;
using CloudMail.Listener.Network;
using CloudMail.Listener.Pipeline;
using CloudMail.Listener.Pop3;
using CloudMail.Listener.Smtp;
using CloudMail.Listener.Tls;
using CloudMail.Storage.Azure;
using CloudMail.Storage.Embedded;
using CloudMail.Storage.Embedded.Files;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Hosting;

/// <summary>Service registrations shared by <c>serve</c> and the admin commands.</summary>
public static class CloudMailServerBuilder
{
    /// <summary>
    /// Builds the all-in-one embedded host: storage in DataDirectory, every protocol endpoint, and the
    /// in-process pipeline workers (inbound; outbound: remote delivery once a transport is registered; events: webhook POSTs). <paramref name="configure"/> lets tests add configuration (ports 0, temp folder) and
    /// <paramref name="services"/> replace registrations (after all of CloudMail's).
    /// </summary>
    public static IHost BuildServe(string[] args, Action<IConfigurationBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(HostSettings(args));
        configure?.Invoke(builder.Configuration);
        builder.Services.AddCloudMailCore(builder.Configuration);
        builder.Services.AddCloudMailEmbeddedHost(builder.Configuration);
        builder.Services.AddCloudMailDirectoryCache(DirectoryCacheOf(builder.Configuration));
        builder.Services.AddHostedService<ServeStartupRecovery>(); // first: serve lock, then the leases of a dead predecessor
        builder.Services.AddHostedService<NoDomainsHint>(); // before the listeners: logged by the time listening.json is written
        builder.Services.AddHostedService<HostNameHint>();
        builder.Services.AddCloudMailTelemetry(builder.Configuration);
        builder.Services.AddCloudMailProtocols(builder.Configuration);
        builder.Services.AddCloudMailHttpApi(builder.Configuration);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EndpointListenerService>());
        builder.Services.AddHostedService<HangupSignalService>();
        builder.Services.AddCloudMailStageQueueWorker<InboundStage>();
        builder.Services.AddSingleton<ISelfSmtpEndpoint, ListeningSelfSmtpEndpoint>(); // an MX host that is this server is not delivered to
        builder.Services.AddCloudMailDelivery();
        builder.Services.AddCloudMailDkimSigning();
        builder.Services.AddCloudMailOutbound(builder.Configuration);
        builder.Services.AddCloudMailStageQueueWorker<OutboundStage>();
        builder.Services.AddCloudMailStageQueueWorker<EventStage>();
        builder.Services.AddCloudMailEmbeddedTlsReports(builder.Configuration);
        builder.Services.AddCloudMailEmbeddedDmarcReports(builder.Configuration);
        builder.Services.AddCloudMailEmbeddedOutboundSweep();
        builder.Services.AddCloudMailEmbeddedReclaim(builder.Configuration);
        builder.Services.AddCloudMailRetention(builder.Configuration);
        builder.Services.AddSingleton<RetentionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
        builder.Services.AddSingleton<SearchIndexService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SearchIndexService>());
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>The serving hosts' directory cache settings (<see cref="DirectoryCacheOptions"/>).</summary>
    public static DirectoryCacheOptions DirectoryCacheOf(IConfiguration configuration) =>
        configuration.GetSection(DirectoryCacheOptions.Section).Get<DirectoryCacheOptions>() ?? new DirectoryCacheOptions();

    /// <summary>Configuration key that selects the storage the admin commands work on: <c>Embedded</c> (default) or <c>Azure</c>.</summary>
    public const string AdminStorageKey = "CloudMail:Storage";

    /// <summary>
    /// A host with storage and services but no listeners or workers, for the admin commands (<c>domain</c>, <c>user</c>,
    /// <c>alias</c>, <c>apikey</c>). <see cref="AdminStorageKey"/> selects the storage: <c>Embedded</c> (default) opens
    /// CloudMail:DataDirectory, which <c>serve</c> may be using at the same time (SQLite in WAL mode lets both processes
    /// share it); <c>Azure</c> uses the Blob and Table storage of <c>cloudmail listener</c> and the Functions app,
    /// connected by the same <c>CloudMailStorage</c> settings (<see cref="AzureStorageServiceCollectionExtensions.AddCloudMailAzureStorage"/>;
    /// the host is never started, so the tables must exist, as infra/ creates them). Any other value throws
    /// <see cref="InvalidOperationException"/>. <paramref name="configure"/> lets tests add configuration.
    /// </summary>
    public static IHost BuildAdmin(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(HostSettings(args));
        configure?.Invoke(builder.Configuration);
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.Services.AddCloudMailCore(builder.Configuration);
        string storage = builder.Configuration[AdminStorageKey] ?? "Embedded";
        if (storage.Equals("Embedded", StringComparison.OrdinalIgnoreCase)) builder.Services.AddCloudMailEmbeddedHost(builder.Configuration);
        else if (storage.Equals("Azure", StringComparison.OrdinalIgnoreCase)) builder.Services.AddCloudMailAzureStorage(builder.Configuration);
        else throw new InvalidOperationException($"{AdminStorageKey} must be Embedded or Azure, not '{storage}'.");
        builder.Services.AddCloudMailQuarantine(builder.Configuration); // cloudmail quarantine, on either backend
        builder.Services.AddCloudMailRetention(builder.Configuration); // cloudmail retention sweep, on either backend
        return builder.Build();
    }

    /// <summary>
    /// Host settings shared by every mode: Production environment, and appsettings.json read once at start
    /// (no reload-on-change file watcher: a mail server writes to its folders constantly, and a recursive
    /// watcher on the working folder costs CPU for every write).
    /// </summary>
    public static HostApplicationBuilderSettings HostSettings(string[] args)
    {
        var configuration = new ConfigurationManager();
        configuration["hostBuilder:reloadConfigOnChange"] = "false";
        return new HostApplicationBuilderSettings { Args = args, EnvironmentName = Environments.Production, Configuration = configuration };
    }

    /// <summary>Options, authentication, recipient resolution and the accept path.</summary>
    public static IServiceCollection AddCloudMailCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CloudMailOptions>().Bind(configuration.GetSection(CloudMailOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "CloudMail:DataDirectory must be set")
            .Validate(o => o.WriteTimeout > TimeSpan.Zero, "CloudMail:WriteTimeout must be positive")
            .Validate(o => o.TlsCertificateReloadInterval > TimeSpan.Zero, "CloudMail:TlsCertificateReloadInterval must be positive")
            .Validate(o => o.MaxPendingOutput >= 4096, "CloudMail:MaxPendingOutput must be at least 4096")
            .Validate(o => System.Net.IPAddress.TryParse(o.ListenAddress, out _), "CloudMail:ListenAddress must be an IP address (0.0.0.0 for all IPv4 addresses, :: for all, 127.0.0.1 for this machine only)")
            .Validate(o => o.Ports.AllValid(), "CloudMail:Ports values must be -1 (endpoint off), 0 (any free port) or a port from 1 to 65535")
            .ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(o => o.FailureDelay >= TimeSpan.Zero && o.MaxFailureDelay >= o.FailureDelay, "CloudMail:Auth:FailureDelay must be >= 0 and <= MaxFailureDelay")
            .Validate(o => o.FailureWindow > TimeSpan.Zero, "CloudMail:Auth:FailureWindow must be positive")
            .Validate(o => o.MaxFailuresPerAccountAddress > 0, "CloudMail:Auth:MaxFailuresPerAccountAddress must be positive")
            .Validate(o => o.MaxFailedAccountsPerAddress > 0, "CloudMail:Auth:MaxFailedAccountsPerAddress must be positive")
            .Validate(o => o.KnownAddressLifetime >= TimeSpan.Zero, "CloudMail:Auth:KnownAddressLifetime must not be negative")
            .Validate(o => o.MaxTrackedKeys >= 10, "CloudMail:Auth:MaxTrackedKeys must be at least 10")
            .Validate(o => o.MinimumPasswordLength > 0, "CloudMail:Auth:MinimumPasswordLength must be positive")
            .Validate(o => o.CredentialCacheDuration >= TimeSpan.Zero, "CloudMail:Auth:CredentialCacheDuration must not be negative")
            .Validate(o => o.CredentialCacheMaxEntries >= 1, "CloudMail:Auth:CredentialCacheMaxEntries must be positive")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<VerifiedCredentialCache>();
        services.AddSingleton<Authenticator>();
        services.AddCloudMailRecipientAdmission(configuration);
        services.AddCloudMailQuotas(configuration);
        services.AddCloudMailSenderLists();
        services.AddCloudMailWebhooks();
        services.AddCloudMailAdministration(configuration);
        services.AddSingleton<MessageIntake>();
        services.AddCloudMailFiltering(); // the IInboundFilter MessageIntake runs on port-25 mail
        services.AddSingleton<PipelineSignal>();
        services.AddSingleton<MailboxChangeNotifier>();
        services.AddSingleton<TlsCertificateProvider>();
        return services;
    }

    /// <summary>
    /// Embedded storage rooted at CloudMail:DataDirectory, the pipeline its stage workers run
    /// (<see cref="PipelineServiceCollectionExtensions.AddCloudMailPipeline"/>), and the SRS secret kept there when none is
    /// configured (<see cref="SrsSecretFile"/>). Throws <see cref="InvalidOperationException"/> when
    /// <c>CloudMail:Antivirus:DefenderForStorage</c> is set: nothing scans the embedded data folder's blobs for Defender.
    /// </summary>
    public static IServiceCollection AddCloudMailEmbeddedHost(this IServiceCollection services, IConfiguration configuration)
    {
        string dataDirectory = configuration.GetSection(CloudMailOptions.Section)[nameof(CloudMailOptions.DataDirectory)] ?? new CloudMailOptions().DataDirectory;
        if (configuration.GetValue<bool>(QuarantineOptions.Section + ":" + nameof(QuarantineOptions.DefenderForStorage)))
            throw new InvalidOperationException("CloudMail:Antivirus:DefenderForStorage needs Azure Blob storage (Defender for Storage scans blobs there); in embedded mode scan with clamd (CloudMail:Antivirus:Clamd)");
        services.AddCloudMailEmbeddedStorage(dataDirectory);
        services.AddCloudMailEmbeddedApiKeys(dataDirectory);
        services.AddCloudMailPipeline(configuration);
        services.AddSingleton(sp => SrsSecretFile.Load(dataDirectory, sp.GetRequiredService<IOptions<RoutingOptions>>().Value.SrsSecret));
        return services;
    }

    /// <summary>
    /// Reclaiming the bytes of expunged messages in embedded mode: <see cref="MessageReclaimer"/> and the
    /// <see cref="MessageReclaimService"/> that runs it (section <see cref="ReclaimOptions.Section"/>).
    /// </summary>
    public static IServiceCollection AddCloudMailEmbeddedReclaim(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReclaimOptions>().Bind(configuration.GetSection(ReclaimOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:Reclaim values are out of range (see docs/configuration.md)")
            .ValidateOnStart();
        services.AddSingleton<MessageReclaimer>();
        services.AddSingleton<MessageReclaimService>();
        services.AddHostedService(sp => sp.GetRequiredService<MessageReclaimService>());
        return services;
    }

    /// <summary>SMTP, IMAP and POP3 handlers, the per-client limits and the endpoint listener.</summary>
    public static IServiceCollection AddCloudMailProtocols(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailSmtp(configuration);
        services.AddCloudMailImap(configuration);
        services.AddCloudMailPop3(configuration);
        services.AddCloudMailClientLimits(configuration);
        services.AddSingleton<EndpointListenerService>();
        return services;
    }
}
