using Azure.Data.Tables;
using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;
using CloudMail.Core.Events;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Intake;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Quarantine;
using CloudMail.Core.SendApi;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.TlsReporting;
using CloudMail.Storage.Azure.Directory;
using CloudMail.Storage.Azure.DmarcReports;
using CloudMail.Storage.Azure.Idempotency;
using CloudMail.Storage.Azure.Intake;
using CloudMail.Storage.Azure.Quarantine;
using CloudMail.Storage.Azure.SenderLists;
using CloudMail.Storage.Azure.SpamTraining;
using CloudMail.Storage.Azure.Tests.Support;
using CloudMail.Storage.Azure.TlsReports;
using CloudMail.Storage.Azure.Webhooks;

namespace CloudMail.Storage.Azure.Tests.Contracts;

// The backend-independent contract suite (the same tests the embedded backend passes), bound to Azure
// Storage on Azurite: real Blob and Table protocol, real ETags, real entity-group transactions.

public sealed class AzureMessageBlobStoreTests(AzuriteFixture fixture)
    : MessageBlobStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IMessageBlobStore> CreateSubjectAsync() => Task.FromResult(fixture.Blobs);
}

public sealed class AzureMailDirectoryTests(AzuriteFixture fixture)
    : MailDirectoryContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IMailDirectory> CreateSubjectAsync() => Task.FromResult(fixture.Directory);
}

public sealed class AzureMailboxIndexTests(AzuriteFixture fixture)
    : MailboxIndexContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IMailboxIndex> CreateSubjectAsync() => Task.FromResult(fixture.Mailboxes);
}

public sealed class AzureDeliveryLogTests(AzuriteFixture fixture)
    : DeliveryLogContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IDeliveryLog> CreateSubjectAsync() => Task.FromResult(fixture.DeliveryLog);
}

/// <summary>A fresh table per test (listing is global), deleted afterwards.</summary>
public sealed class AzureIntakeOutboxTests : IntakeOutboxContractTests
{
    private TableClient? _table;

    protected override async Task<IIntakeOutbox> CreateSubjectAsync()
    {
        var clients = await Support.Azurite.ClientsAsync();
        _table = clients.Table("intake" + Unique.Suffix());
        await _table.CreateIfNotExistsAsync(Ct);
        return new AzureIntakeOutbox(_table);
    }

    protected override async Task ReleaseSubjectAsync()
    {
        if (_table is not null) await _table.DeleteAsync();
    }
}

/// <summary>A fresh table per test (listing is global), deleted afterwards: the outbound ledger as registered (an AzureIntakeOutbox).</summary>
public sealed class AzureOutboundLedgerTests : OutboundLedgerContractTests
{
    private TableClient? _table;

    protected override async Task<IIntakeOutbox> CreateSubjectAsync()
    {
        var clients = await Support.Azurite.ClientsAsync();
        _table = clients.Table("outbound" + Unique.Suffix());
        await _table.CreateIfNotExistsAsync(Ct);
        return new AzureIntakeOutbox(_table);
    }

    protected override async Task ReleaseSubjectAsync()
    {
        if (_table is not null) await _table.DeleteAsync();
    }
}

/// <summary>Fresh holder and candidate tables per test (candidate listing is global), over the shared mailbox index table.</summary>
public sealed class AzureMessageReclaimTests(AzuriteFixture fixture) : MessageReclaimContractTests, IClassFixture<AzuriteFixture>
{
    private readonly List<TableClient> _tables = [];

    protected override async Task<ReclaimBackend> CreateSubjectAsync()
    {
        var clients = await Support.Azurite.ClientsAsync();
        foreach (string name in new[] { "holders", "candidates" })
        {
            TableClient table = clients.Table(name + Unique.Suffix());
            await table.CreateIfNotExistsAsync(Ct);
            _tables.Add(table);
        }
        var references = fixture.NewReferences(_tables[0], _tables[1]);
        return new ReclaimBackend(fixture.NewMailboxIndex(fixture.Options, references), references, fixture.Blobs, fixture.DeliveryLog);
    }

    protected override async Task ReleaseSubjectAsync()
    {
        foreach (TableClient table in _tables) await table.DeleteAsync();
    }
}

/// <summary>The deployment's idempotency table on Azurite (keys are fresh per test).</summary>
public sealed class AzureIdempotencyStoreTests(AzuriteFixture fixture)
    : IdempotencyStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IIdempotencyStore> CreateSubjectAsync() =>
        Task.FromResult<IIdempotencyStore>(new AzureIdempotencyStore(fixture.Table(AzureResourceNames.Tables.Idempotency), Clock));
}

/// <summary>The deployment's DKIM key table on Azurite (domains are fresh per test).</summary>
public sealed class AzureDkimKeyStoreTests(AzuriteFixture fixture)
    : DkimKeyStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IDkimKeyStore> CreateSubjectAsync() =>
        Task.FromResult<IDkimKeyStore>(new AzureDkimKeyStore(fixture.Table(AzureResourceNames.Tables.DkimKeys)));
}

/// <summary>The deployment's TLS report table on Azurite (days and domains are fresh per test).</summary>
public sealed class AzureTlsReportStoreTests(AzuriteFixture fixture)
    : TlsReportStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<ITlsReportStore> CreateSubjectAsync() =>
        Task.FromResult<ITlsReportStore>(new AzureTlsReportStore(fixture.Table(AzureResourceNames.Tables.TlsReports), fixture.Options, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AzureTlsReportStore>.Instance));
}

/// <summary>The deployment's sender-list table on Azurite (scopes and patterns are fresh per test).</summary>
public sealed class AzureSenderListStoreTests(AzuriteFixture fixture)
    : SenderListStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<ISenderListStore> CreateSubjectAsync() =>
        Task.FromResult<ISenderListStore>(new AzureSenderListStore(fixture.Table(AzureResourceNames.Tables.SenderLists)));
}

/// <summary>The deployment's quarantine table on Azurite (message ids are fresh per test).</summary>
public sealed class AzureQuarantineStoreTests(AzuriteFixture fixture)
    : QuarantineStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IQuarantineStore> CreateSubjectAsync() =>
        Task.FromResult<IQuarantineStore>(new AzureQuarantineStore(fixture.Table(AzureResourceNames.Tables.Quarantine)));
}

/// <summary>The deployment's spam training table on Azurite (accounts are fresh per test).</summary>
public sealed class AzureSpamTrainingStoreTests(AzuriteFixture fixture)
    : SpamTrainingStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<ISpamTrainingStore> CreateSubjectAsync() =>
        Task.FromResult<ISpamTrainingStore>(new AzureSpamTrainingStore(fixture.Table(AzureResourceNames.Tables.SpamTraining)));
}

/// <summary>The deployment's webhook table on Azurite (scopes and ids are fresh per test).</summary>
public sealed class AzureWebhookStoreTests(AzuriteFixture fixture)
    : WebhookStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IWebhookStore> CreateSubjectAsync() =>
        Task.FromResult<IWebhookStore>(new AzureWebhookStore(fixture.Table(AzureResourceNames.Tables.Webhooks)));
}

public sealed class AzureDmarcReportStoreTests(AzuriteFixture fixture)
    : DmarcReportStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IDmarcReportStore> CreateSubjectAsync() =>
        Task.FromResult<IDmarcReportStore>(new AzureDmarcReportStore(fixture.Table(AzureResourceNames.Tables.DmarcReports), fixture.Options, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AzureDmarcReportStore>.Instance));
}

/// <summary>The deployment's directory table on Azurite, admin-key partitions (key ids are fresh per test).</summary>
public sealed class AzureAdminKeyStoreTests(AzuriteFixture fixture)
    : AdminKeyStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IAdminKeyStore> CreateSubjectAsync() =>
        Task.FromResult<IAdminKeyStore>(new AzureAdminKeyStore(fixture.Table(AzureResourceNames.Tables.Directory), TimeProvider.System));
}

/// <summary>The deployment's greylist table on Azurite (keys are fresh per test).</summary>
public sealed class AzureGreylistStoreTests(AzuriteFixture fixture)
    : GreylistStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<CloudMail.Core.Filtering.Greylisting.IGreylistStore> CreateSubjectAsync() =>
        Task.FromResult<CloudMail.Core.Filtering.Greylisting.IGreylistStore>(
            new CloudMail.Storage.Azure.Greylisting.AzureGreylistStore(fixture.Table(AzureResourceNames.Tables.Greylist)));
}
