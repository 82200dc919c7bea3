using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;
using CloudMail.Core.Intake;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.SendApi;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.TlsReporting;
using CloudMail.Storage.Embedded.Idempotency;
using CloudMail.Storage.Embedded.Intake;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Storage.Embedded;

/// <summary>Registers the embedded (files + SQLite) implementations of every Core storage contract.</summary>
public static class EmbeddedStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="EmbeddedStorage"/> over <paramref name="dataDirectory"/> and, as singletons
    /// backed by it, <see cref="IMessageBlobStore"/> (and its <see cref="IStagingBlobSweep"/>), <see cref="IMailDirectory"/>, <see cref="IMailboxIndex"/>, <see cref="IMessageReferences"/>,
    /// <see cref="ILeasedMailQueue"/> (also as its producer side, <see cref="IMailQueue"/>, and its dead letters, <see cref="IDeadLetterQueue"/>), <see cref="IDeliveryLog"/> (and its <see cref="IDeliveryLogStatistics"/>), <see cref="IDkimKeyStore"/>, <see cref="ITlsReportStore"/>, <see cref="IDmarcReportStore"/>, <see cref="Core.Mailboxes.Search.IMessageTextIndex"/>, <see cref="Core.Filtering.SenderLists.ISenderListStore"/>, <see cref="Core.Filtering.Training.ISpamTrainingStore"/>, <see cref="Core.Events.IWebhookStore"/> and <see cref="Core.Quarantine.IQuarantineStore"/>, the free space of the data directory's volume (<see cref="IStorageSpace"/>, <see cref="VolumeSpace"/>), and the <see cref="IIntakeOutbox"/>
    /// (<see cref="SqliteIntakeOutbox"/>, DataDirectory/intake.db; a second one, DataDirectory/outbound-ledger.db, keyed
    /// <see cref="OutboundLedger.StoreKey"/>, stores the outbound ledger) that hosts which decorate the queue with
    /// <see cref="IntakeOutboxServiceCollectionExtensions.AddCloudMailIntakeOutbox"/> use, and the send API's
    /// <see cref="IIdempotencyStore"/> (<see cref="SqliteIdempotencyStore"/>, DataDirectory/idempotency.db). Each store opens (creating
    /// folder and schema) when first resolved, so a host that never asks for the outbox never creates its file, and
    /// is closed when the container is disposed. Uses a registered <see cref="TimeProvider"/> if there is one, and
    /// <see cref="EmbeddedStorageOptions"/> from the <c>CloudMail:EmbeddedStorage</c> section of a registered
    /// <see cref="IConfiguration"/> if there is one.
    /// </summary>
    public static IServiceCollection AddCloudMailEmbeddedStorage(this IServiceCollection services, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        services.AddSingleton(sp => EmbeddedStorage.Open(dataDirectory, StorageOptions(sp), sp.GetService<TimeProvider>(), MailboxIndexOptions(sp)));
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().Blobs);
        services.AddSingleton<IStagingBlobSweep>(sp => sp.GetRequiredService<EmbeddedStorage>());
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().MailDirectory);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().Mailboxes);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().References);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().Queue);
        services.AddSingleton<IMailQueue>(sp => sp.GetRequiredService<ILeasedMailQueue>());
        services.AddSingleton<IDeadLetterQueue>(sp => new LeasedQueueDeadLetters(sp.GetRequiredService<ILeasedMailQueue>()));
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().DeliveryLog);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().DeliveryStatistics);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().DkimKeys);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().TlsReports);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().SenderLists);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().SpamTraining);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().Webhooks);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().Quarantine);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().DmarcReports);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStorage>().TextIndex);
        services.AddSingleton<IStorageSpace>(sp => new VolumeSpace(dataDirectory, StorageOptions(sp).MinFreeSpace, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IIntakeOutbox>(_ => SqliteIntakeOutbox.Open(dataDirectory));
        services.AddKeyedSingleton<IIntakeOutbox>(OutboundLedger.StoreKey, (_, _) => SqliteIntakeOutbox.Open(dataDirectory, SqliteIntakeOutbox.OutboundLedgerFileName));
        services.AddSingleton<IIdempotencyStore>(sp => SqliteIdempotencyStore.Open(dataDirectory, sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// <see cref="EmbeddedStorageOptions"/> bound from the <see cref="EmbeddedStorageOptions.Section"/> section of a
    /// registered <see cref="IConfiguration"/> (defaults without one); validated when the store opens.
    /// </summary>
    private static MailboxIndexOptions MailboxIndexOptions(IServiceProvider services)
    {
        var options = new MailboxIndexOptions();
        services.GetService<IConfiguration>()?.GetSection(Core.Mailboxes.MailboxIndexOptions.Section).Bind(options);
        return options;
    }

    private static EmbeddedStorageOptions StorageOptions(IServiceProvider services)
    {
        var options = new EmbeddedStorageOptions();
        services.GetService<IConfiguration>()?.GetSection(EmbeddedStorageOptions.Section).Bind(options);
        return options;
    }
}
