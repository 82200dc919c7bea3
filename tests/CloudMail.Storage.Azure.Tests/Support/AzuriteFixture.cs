using Azure.Data.Tables;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Blobs;
using CloudMail.Storage.Azure.DeliveryLog;
using CloudMail.Storage.Azure.Directory;
using CloudMail.Storage.Azure.Mailboxes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>The Azure Storage backends on the run's Azurite, built the way the registration builds them.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public CloudMailAzureClients Clients { get; private set; } = null!;

    public AzureStorageOptions Options { get; } = new();

    public IMessageBlobStore Blobs { get; private set; } = null!;
    public IMailDirectory Directory { get; private set; } = null!;
    public IMailboxIndex Mailboxes { get; private set; } = null!;
    public AzureMessageReferences References { get; private set; } = null!;
    public IDeliveryLog DeliveryLog { get; private set; } = null!;
    public IApiKeyStore ApiKeys { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Clients = await Azurite.ClientsAsync();
        Blobs = new AzureMessageBlobStore(Clients.MessagesContainer, Options, NullLogger<AzureMessageBlobStore>.Instance);
        Directory = new AzureMailDirectory(Table(AzureResourceNames.Tables.Directory), Options, TimeProvider.System, NullLogger<AzureMailDirectory>.Instance);
        References = NewReferences(Table(AzureResourceNames.Tables.BlobHolders), Table(AzureResourceNames.Tables.ReclaimCandidates));
        Mailboxes = NewMailboxIndex(Options);
        DeliveryLog = new AzureDeliveryLog(Table(AzureResourceNames.Tables.DeliveryLog));
        ApiKeys = new AzureApiKeyStore(Table(AzureResourceNames.Tables.Directory), TimeProvider.System);
    }

    /// <summary>Another index over the same table, as a second process would have (its own in-process gate).</summary>
    public AzureMailboxIndex NewMailboxIndex(AzureStorageOptions options, AzureMessageReferences? references = null) =>
        new(Table(AzureResourceNames.Tables.MailboxIndex), references ?? References, options, TimeProvider.System, NullLogger<AzureMailboxIndex>.Instance);

    /// <summary>References over the given holder and candidate tables and the shared mailbox index table.</summary>
    public AzureMessageReferences NewReferences(TableClient holders, TableClient candidates) =>
        new(holders, candidates, Table(AzureResourceNames.Tables.MailboxIndex), Options, NullLogger<AzureMessageReferences>.Instance);

    public TableClient Table(string name) => Clients.Table(name);

    public Task DisposeAsync() => Task.CompletedTask;
}
