using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Imap;
using CloudMail.Listener.Network;
using CloudMail.Listener.Pipeline;
using CloudMail.Listener.Pop3;
using CloudMail.Listener.Smtp;
using CloudMail.Listener.Tls;
using CloudMail.Storage.Embedded;
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
    /// in-process pipeline worker. <paramref name="configure"/> lets tests add configuration (ports 0, temp folder).
    /// </summary>
    public static IHost BuildServe(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, EnvironmentName = Environments.Production });
        configure?.Invoke(builder.Configuration);
        builder.Services.AddCloudMailCore(builder.Configuration);
        builder.Services.AddCloudMailEmbeddedHost(builder.Configuration);
        builder.Services.AddCloudMailProtocols(builder.Configuration);
        builder.Services.AddCloudMailHttpApi(builder.Configuration);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EndpointListenerService>());
        builder.Services.AddHostedService<InboundQueueWorker>();
        return builder.Build();
    }

    /// <summary>
    /// A host with storage and services but no listeners or workers, for the admin commands. They may run
    /// while <c>serve</c> runs: SQLite in WAL mode lets both processes use the same data folder.
    /// </summary>
    public static IHost BuildAdmin(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, EnvironmentName = Environments.Production });
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.Services.AddCloudMailCore(builder.Configuration);
        builder.Services.AddCloudMailEmbeddedHost(builder.Configuration);
        return builder.Build();
    }

    /// <summary>Options, authentication, recipient resolution and the accept path.</summary>
    public static IServiceCollection AddCloudMailCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CloudMailOptions>().Bind(configuration.GetSection(CloudMailOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "CloudMail:DataDirectory must be set")
            .ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(o => o.MaxFailures > 0, "CloudMail:Auth:MaxFailures must be positive")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<RecipientResolver>();
        services.AddSingleton<AccountAdministration>();
        services.AddSingleton<MessageIntake>();
        services.AddSingleton<PipelineSignal>();
        services.AddSingleton<InboundProcessor>();
        services.AddSingleton<MailboxChangeNotifier>();
        services.AddSingleton<TlsCertificateProvider>();
        return services;
    }

    /// <summary>Embedded storage rooted at CloudMail:DataDirectory.</summary>
    public static IServiceCollection AddCloudMailEmbeddedHost(this IServiceCollection services, IConfiguration configuration)
    {
        string dataDirectory = configuration.GetSection(CloudMailOptions.Section)[nameof(CloudMailOptions.DataDirectory)] ?? new CloudMailOptions().DataDirectory;
        services.AddCloudMailEmbeddedStorage(dataDirectory);
        services.AddCloudMailEmbeddedApiKeys(dataDirectory);
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section))
            .Validate(o => o.BatchSize > 0 && o.Concurrency > 0 && o.MaxDeliveryCount > 0, "CloudMail:Pipeline values must be positive")
            .ValidateOnStart();
        return services;
    }

    /// <summary>SMTP, IMAP and POP3 handlers and the endpoint listener.</summary>
    public static IServiceCollection AddCloudMailProtocols(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailSmtp(configuration);
        services.AddCloudMailImap(configuration);
        services.AddCloudMailPop3(configuration);
        services.AddSingleton<EndpointListenerService>();
        return services;
    }
}
