using Azure.Data.Tables;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;
using CloudMail.Core.Events;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Quarantine;
using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Intake;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.SendApi;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.TlsReporting;
using CloudMail.Storage.Azure.Blobs;
using CloudMail.Storage.Azure.DeliveryLog;
using CloudMail.Storage.Azure.Directory;
using CloudMail.Storage.Azure.Idempotency;
using CloudMail.Storage.Azure.Connections;
using CloudMail.Storage.Azure.KeyVault;
using CloudMail.Storage.Azure.Intake;
using CloudMail.Storage.Azure.Locks;
using CloudMail.Storage.Azure.Mailboxes;
using CloudMail.Storage.Azure.Queue;
using CloudMail.Storage.Azure.DmarcReports;
using CloudMail.Storage.Azure.Quarantine;
using CloudMail.Storage.Azure.SenderLists;
using CloudMail.Storage.Azure.SpamTraining;
using CloudMail.Storage.Azure.TlsReports;
using CloudMail.Storage.Azure.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Storage.Azure;

/// <summary>Registers the Azure implementations of every Core storage contract.</summary>
public static class AzureStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers, as singletons: <see cref="IMessageBlobStore"/> (Blob), <see cref="IMailDirectory"/>,
    /// <see cref="IMailboxIndex"/> and its <see cref="IMessageReferences"/>, <see cref="IDeliveryLog"/>, <see cref="IApiKeyStore"/>, <see cref="IAdminKeyStore"/>, <see cref="IDkimKeyStore"/>, <see cref="ISenderListStore"/>, <see cref="ISpamTrainingStore"/>, <see cref="IWebhookStore"/>, <see cref="IQuarantineStore"/> (and, with <c>CloudMail:Antivirus:DefenderForStorage</c>, <see cref="IBlobScanVerdicts"/> read from Defender for Storage's tags: <see cref="DefenderScanVerdicts"/>), <see cref="ITlsReportStore"/>, <see cref="IDmarcReportStore"/>, <see cref="IIntakeOutbox"/> (and a second one keyed <see cref="OutboundLedger.StoreKey"/> on the outbound ledger's table), <see cref="IIdempotencyStore"/> and <see cref="Core.Filtering.Greylisting.IGreylistStore"/> (Tables),
    /// <see cref="IMailQueue"/> (Service Bus, producer side) and <see cref="IDeadLetterQueue"/> (its dead-letter sub-queues), the shared <see cref="CloudMailAzureClients"/>, the options of
    /// section <see cref="AzureStorageOptions.Section"/> (validated at start) and <see cref="AzureStorageInitializer"/>
    /// (logs the connection shape; creates the container and tables when
    /// <see cref="AzureStorageOptions.CreateResourcesIfMissing"/>). Connections come from
    /// <paramref name="configuration"/> in the Functions shapes (<see cref="AzureResourceNames.StorageConnection"/>,
    /// <see cref="AzureResourceNames.ServiceBusConnection"/>); they are read when first needed, so a missing
    /// setting fails at the first use of that backend with a message naming the settings. Uses a registered
    /// <see cref="TimeProvider"/>, or the system clock.
    /// </summary>
    public static IServiceCollection AddCloudMailAzureStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AzureStorageOptions>().Bind(configuration.GetSection(AzureStorageOptions.Section)).ValidateOnStart();
        services.AddOptions<MaildropLeaseOptions>().Bind(configuration.GetSection(MaildropLeaseOptions.Section))
            .Validate(o => o.Problems().Count == 0, "CloudMail:Azure:MaildropLease: LeaseDuration must be 15 to 60 s and RenewInterval at most half of it")
            .ValidateOnStart();
        services.AddSingleton<IMaildropLocks>(sp => new BlobLeaseMaildropLocks(sp.GetRequiredService<CloudMailAzureClients>().MessagesContainer,
            sp.GetRequiredService<IOptions<MaildropLeaseOptions>>().Value, sp.GetRequiredService<ILogger<BlobLeaseMaildropLocks>>()));
        services.AddOptions<MailboxIndexOptions>().Bind(configuration.GetSection(MailboxIndexOptions.Section))
            .Validate(o => o.Problems().Count == 0, "CloudMail:MailboxIndex: retentions and PruneInterval must be positive (AppendKeyRetention at least an hour)")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureStorageOptions>, AzureStorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new CloudMailAzureClients(configuration));

        services.AddSingleton(sp => new AzureMessageBlobStore(
            sp.GetRequiredService<CloudMailAzureClients>().MessagesContainer, Options(sp), sp.GetRequiredService<ILogger<AzureMessageBlobStore>>()));
        services.AddSingleton<IMessageBlobStore>(sp => sp.GetRequiredService<AzureMessageBlobStore>());
        services.AddSingleton<IStagingBlobSweep>(sp => sp.GetRequiredService<AzureMessageBlobStore>());
        // CloudMail:Antivirus:DefenderForStorage: the pipeline waits for Defender's verdict tag on every inbound message.
        if (configuration.GetValue<bool>(QuarantineOptions.Section + ":" + nameof(QuarantineOptions.DefenderForStorage)))
            services.AddSingleton<IBlobScanVerdicts>(sp => new DefenderScanVerdicts(sp.GetRequiredService<CloudMailAzureClients>().MessagesContainer));
        services.AddSingleton<IMailDirectory>(sp => new AzureMailDirectory(
            Table(sp, AzureResourceNames.Tables.Directory), Options(sp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AzureMailDirectory>>()));
        services.AddSingleton(sp => new AzureMessageReferences(Table(sp, AzureResourceNames.Tables.BlobHolders),
            Table(sp, AzureResourceNames.Tables.ReclaimCandidates), Table(sp, AzureResourceNames.Tables.MailboxIndex), Options(sp),
            sp.GetRequiredService<ILogger<AzureMessageReferences>>()));
        services.AddSingleton<IMessageReferences>(sp => sp.GetRequiredService<AzureMessageReferences>());
        services.AddSingleton<IMailboxIndex>(sp => new AzureMailboxIndex(Table(sp, AzureResourceNames.Tables.MailboxIndex),
            sp.GetRequiredService<AzureMessageReferences>(), Options(sp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AzureMailboxIndex>>(),
            sp.GetRequiredService<IOptions<MailboxIndexOptions>>().Value));
        services.AddSingleton<IDeliveryLog>(sp => new AzureDeliveryLog(Table(sp, AzureResourceNames.Tables.DeliveryLog)));
        services.AddSingleton<IApiKeyStore>(sp => new AzureApiKeyStore(Table(sp, AzureResourceNames.Tables.Directory), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAdminKeyStore>(sp => new AzureAdminKeyStore(Table(sp, AzureResourceNames.Tables.Directory), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDkimKeyStore>(sp => new AzureDkimKeyStore(Table(sp, AzureResourceNames.Tables.DkimKeys)));
        services.AddSingleton<ISenderListStore>(sp => new AzureSenderListStore(Table(sp, AzureResourceNames.Tables.SenderLists)));
        services.AddSingleton<ISpamTrainingStore>(sp => new AzureSpamTrainingStore(Table(sp, AzureResourceNames.Tables.SpamTraining)));
        services.AddSingleton<IWebhookStore>(sp => new AzureWebhookStore(Table(sp, AzureResourceNames.Tables.Webhooks)));
        services.AddSingleton<IQuarantineStore>(sp => new AzureQuarantineStore(Table(sp, AzureResourceNames.Tables.Quarantine)));
        services.AddSingleton<ITlsReportStore>(sp => new AzureTlsReportStore(Table(sp, AzureResourceNames.Tables.TlsReports), Options(sp),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AzureTlsReportStore>>()));
        services.AddSingleton<IDmarcReportStore>(sp => new AzureDmarcReportStore(Table(sp, AzureResourceNames.Tables.DmarcReports), Options(sp),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AzureDmarcReportStore>>()));
        services.AddSingleton<IIntakeOutbox>(sp => new AzureIntakeOutbox(Table(sp, AzureResourceNames.Tables.IntakeOutbox)));
        services.AddKeyedSingleton<IIntakeOutbox>(OutboundLedger.StoreKey, (sp, _) => new AzureIntakeOutbox(Table(sp, AzureResourceNames.Tables.OutboundLedger)));
        services.AddSingleton<Core.Filtering.Greylisting.IGreylistStore>(sp => new Greylisting.AzureGreylistStore(Table(sp, AzureResourceNames.Tables.Greylist)));
        services.AddSingleton<IIdempotencyStore>(sp => new AzureIdempotencyStore(Table(sp, AzureResourceNames.Tables.Idempotency), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IMailQueue>(sp => new ServiceBusMailQueue(sp.GetRequiredService<CloudMailAzureClients>().ServiceBus,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ServiceBusMailQueue>>()));
        services.AddSingleton<IDeadLetterQueue>(sp => new ServiceBusDeadLetters(sp.GetRequiredService<CloudMailAzureClients>().ServiceBus, sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<AzureStorageInitializer>();
        if (AzureCredentials.NonEmpty(configuration[AzureResourceNames.ToConfigurationKey(AzureResourceNames.KeyVaultConnection.VaultUri)]) is { } vault)
            services.AddCloudMailKeyVaultKeys(new Uri(vault, UriKind.Absolute), configuration.GetSection(AzureResourceNames.KeyVaultConnection.Name));
        return services;
    }

    /// <summary>
    /// The deployment's vault for DKIM keys (<c>CloudMailKeyVault__vaultUri</c>, credential from
    /// <c>CloudMailKeyVault__credential</c>/<c>__clientId</c>: the managed identity in Azure): a <see cref="KeyVaultKeyClient"/>
    /// (unless one is registered already) and <see cref="KeyVaultDigestSigners"/> as the <see cref="IRemoteDigestSignerFactory"/>
    /// DKIM signing uses for rows that hold a vault key id. Called by <see cref="AddCloudMailAzureStorage"/> when the vault URI is set.
    /// </summary>
    public static IServiceCollection AddCloudMailKeyVaultKeys(this IServiceCollection services, Uri vaultUri, IConfigurationSection connection)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ => new KeyVaultKeyClient(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, vaultUri, AzureCredentials.Create(connection).Credential));
        services.TryAddSingleton(sp => new KeyVaultDigestSigners(sp.GetRequiredService<KeyVaultKeyClient>(), sp.GetRequiredService<ILogger<KeyVaultDigestSigners>>()));
        services.TryAddSingleton<IRemoteDigestSignerFactory>(sp => sp.GetRequiredService<KeyVaultDigestSigners>());
        services.TryAddSingleton<IRemoteDkimKeyCreator>(sp => sp.GetRequiredService<KeyVaultDigestSigners>());
        return services;
    }

    private static AzureStorageOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<AzureStorageOptions>>().Value;

    private static TableClient Table(IServiceProvider sp, string name) => sp.GetRequiredService<CloudMailAzureClients>().Table(name);

    private sealed class AzureStorageOptionsValidator : IValidateOptions<AzureStorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, AzureStorageOptions options)
        {
            List<string> problems = [.. options.Validate()];
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
