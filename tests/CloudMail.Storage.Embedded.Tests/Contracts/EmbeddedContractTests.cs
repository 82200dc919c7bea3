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
using CloudMail.Core.Queue;
using CloudMail.Core.Quarantine;
using CloudMail.Core.SendApi;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.TlsReporting;
using CloudMail.Storage.Embedded.Idempotency;
using CloudMail.Storage.Embedded.Intake;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests.Contracts;

// The backend-independent contract suite, bound to the embedded store.

public sealed class EmbeddedMessageBlobStoreTests(EmbeddedStorageFixture fixture)
    : MessageBlobStoreContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<IMessageBlobStore> CreateSubjectAsync() => Task.FromResult(fixture.Storage.Blobs);
}

public sealed class EmbeddedMailDirectoryTests(EmbeddedStorageFixture fixture)
    : MailDirectoryContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<IMailDirectory> CreateSubjectAsync() => Task.FromResult(fixture.Storage.MailDirectory);
}

public sealed class EmbeddedMailboxIndexTests(EmbeddedStorageFixture fixture)
    : MailboxIndexContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<IMailboxIndex> CreateSubjectAsync() => Task.FromResult(fixture.Storage.Mailboxes);
}

public sealed class EmbeddedMailQueueProducerTests(EmbeddedStorageFixture fixture)
    : MailQueueProducerContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override SettableClock Clock => fixture.Clock;

    protected override Task<IMailQueue> CreateSubjectAsync() => Task.FromResult<IMailQueue>(fixture.Storage.Queue);

    protected override async Task<IReadOnlyList<MailJob>> TakeVisibleAsync(string queue) =>
        (await fixture.Storage.Queue.LeaseAsync(queue, 100, TimeSpan.FromHours(1), Ct)).Select(l => l.Job).ToList();
}

public sealed class EmbeddedLeasedMailQueueTests(EmbeddedStorageFixture fixture)
    : LeasedMailQueueContractTests, IClassFixture<EmbeddedStorageFixture>, IDisposable
{
    private readonly List<EmbeddedStorage> _others = [];

    protected override SettableClock Clock => fixture.Clock;

    protected override Task<ILeasedMailQueue> CreateSubjectAsync() => Task.FromResult(fixture.Storage.Queue);

    /// <summary>The same data folder opened again, as by the next process after a crash.</summary>
    protected override Task<ILeasedMailQueue> OpenOtherInstanceAsync()
    {
        var other = EmbeddedStorage.Open(fixture.Storage.DataDirectory);
        _others.Add(other);
        return Task.FromResult(other.Queue);
    }

    public void Dispose()
    {
        foreach (var other in _others) other.Dispose();
    }
}

public sealed class EmbeddedDeliveryLogTests(EmbeddedStorageFixture fixture)
    : DeliveryLogContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<IDeliveryLog> CreateSubjectAsync() => Task.FromResult(fixture.Storage.DeliveryLog);
}

/// <summary>A fresh outbox in a folder of its own per test: listing is global.</summary>
public sealed class EmbeddedIntakeOutboxTests : IntakeOutboxContractTests
{
    private readonly StoreInOwnFolder<SqliteIntakeOutbox> _store = new(SqliteIntakeOutbox.Open);

    protected override Task<IIntakeOutbox> CreateSubjectAsync() => Task.FromResult<IIntakeOutbox>(_store.Open());

    protected override Task ReleaseSubjectAsync() => _store.DisposeAsTask();
}

/// <summary>The outbound ledger's own file (as the registration opens it) in a folder of its own per test.</summary>
public sealed class EmbeddedOutboundLedgerTests : OutboundLedgerContractTests
{
    private readonly StoreInOwnFolder<SqliteIntakeOutbox> _store = new(folder => SqliteIntakeOutbox.Open(folder, SqliteIntakeOutbox.OutboundLedgerFileName));

    protected override Task<IIntakeOutbox> CreateSubjectAsync() => Task.FromResult<IIntakeOutbox>(_store.Open());

    protected override Task ReleaseSubjectAsync() => _store.DisposeAsTask();
}

/// <summary>A fresh store in a folder of its own per test.</summary>
public sealed class EmbeddedIdempotencyStoreTests : IdempotencyStoreContractTests
{
    private StoreInOwnFolder<SqliteIdempotencyStore>? _store;

    protected override Task<IIdempotencyStore> CreateSubjectAsync()
    {
        _store = new(folder => SqliteIdempotencyStore.Open(folder, Clock));
        return Task.FromResult<IIdempotencyStore>(_store.Open());
    }

    protected override Task ReleaseSubjectAsync() => _store!.DisposeAsTask();
}

/// <summary>A fresh store per test: candidate listing is global.</summary>
public sealed class EmbeddedMessageReclaimTests : MessageReclaimContractTests
{
    private readonly TempFolder _folder = new();
    private EmbeddedStorage? _storage;

    protected override Task<ReclaimBackend> CreateSubjectAsync()
    {
        _storage = EmbeddedStorage.Open(_folder.Path);
        return Task.FromResult(new ReclaimBackend(_storage.Mailboxes, _storage.References, _storage.Blobs, _storage.DeliveryLog));
    }

    protected override Task ReleaseSubjectAsync()
    {
        _storage?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class EmbeddedDkimKeyStoreTests(EmbeddedStorageFixture fixture)
    : DkimKeyStoreContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<IDkimKeyStore> CreateSubjectAsync() => Task.FromResult(fixture.Storage.DkimKeys);

    [Fact]
    public async Task A_key_held_in_a_vault_is_refused_instead_of_stored_without_its_id()
    {
        DkimKey remote = DkimKey.Remote("vault-only.test", "kv1", "https://kv.vault.azure.net/keys/dkim-vault-only-test-kv1/abc", "MIIB", DateTimeOffset.UtcNow);

        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Storage.DkimKeys.AddAsync(remote, CancellationToken.None));
        Assert.Empty(await fixture.Storage.DkimKeys.ListAsync("vault-only.test", CancellationToken.None));
    }
}

public sealed class EmbeddedTlsReportStoreTests(EmbeddedStorageFixture fixture)
    : TlsReportStoreContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<ITlsReportStore> CreateSubjectAsync() => Task.FromResult(fixture.Storage.TlsReports);
}

public sealed class EmbeddedSenderListStoreTests(EmbeddedStorageFixture fixture)
    : SenderListStoreContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<ISenderListStore> CreateSubjectAsync() => Task.FromResult(fixture.Storage.SenderLists);
}

public sealed class EmbeddedQuarantineStoreTests(EmbeddedStorageFixture fixture)
    : QuarantineStoreContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<IQuarantineStore> CreateSubjectAsync() => Task.FromResult(fixture.Storage.Quarantine);
}

public sealed class EmbeddedSpamTrainingStoreTests(EmbeddedStorageFixture fixture)
    : SpamTrainingStoreContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<ISpamTrainingStore> CreateSubjectAsync() => Task.FromResult(fixture.Storage.SpamTraining);
}

public sealed class EmbeddedWebhookStoreTests(EmbeddedStorageFixture fixture)
    : WebhookStoreContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<IWebhookStore> CreateSubjectAsync() => Task.FromResult(fixture.Storage.Webhooks);
}

public sealed class EmbeddedDmarcReportStoreTests(EmbeddedStorageFixture fixture)
    : DmarcReportStoreContractTests, IClassFixture<EmbeddedStorageFixture>
{
    protected override Task<IDmarcReportStore> CreateSubjectAsync() => Task.FromResult(fixture.Storage.DmarcReports);
}

/// <summary>The admin keys' table beside the send API keys in a fresh data folder per test.</summary>
public sealed class EmbeddedAdminKeyStoreTests : AdminKeyStoreContractTests
{
    private readonly TempFolder _folder = new();
    private Storage.Embedded.Directory.SqliteAdminKeyStore? _store;

    protected override Task<IAdminKeyStore> CreateSubjectAsync()
    {
        _store = new Storage.Embedded.Directory.SqliteAdminKeyStore(_folder.Path, TimeProvider.System);
        return Task.FromResult<IAdminKeyStore>(_store);
    }

    protected override Task ReleaseSubjectAsync()
    {
        _store?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Embedded mode's greylist store: this process's memory (a fresh one per test).</summary>
public sealed class EmbeddedGreylistStoreTests : GreylistStoreContractTests
{
    protected override Task<CloudMail.Core.Filtering.Greylisting.IGreylistStore> CreateSubjectAsync() =>
        Task.FromResult<CloudMail.Core.Filtering.Greylisting.IGreylistStore>(new CloudMail.Core.Filtering.Greylisting.MemoryGreylistStore(1000));
}
