using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using CloudMail.Storage.Azure.Connections;
using Microsoft.Extensions.Configuration;

namespace CloudMail.Storage.Azure;

/// <summary>
/// The SDK clients of one CloudMail deployment, built on first use from configuration
/// (<see cref="AzureStorageConnection"/>, <see cref="AzureServiceBusConnection"/>), so a host that never touches the
/// queue needs no Service Bus settings. Registered as one singleton rather than as bare SDK types, so it
/// cannot collide with clients the host registers for its own use. Disposing closes the Service Bus connection.
/// </summary>
public sealed class CloudMailAzureClients : IAsyncDisposable
{
    private readonly Lazy<AzureStorageConnection> _storage;
    private readonly Lazy<AzureServiceBusConnection> _serviceBus;
    private readonly Lazy<BlobServiceClient> _blobs;
    private readonly Lazy<TableServiceClient> _tables;
    private readonly Lazy<ServiceBusClient> _serviceBusClient;

    public CloudMailAzureClients(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _storage = new(() => AzureStorageConnection.FromConfiguration(configuration));
        _serviceBus = new(() => AzureServiceBusConnection.FromConfiguration(configuration));
        _blobs = new(() => _storage.Value.CreateBlobServiceClient());
        _tables = new(() => _storage.Value.CreateTableServiceClient());
        _serviceBusClient = new(() => _serviceBus.Value.CreateClient());
    }

    public AzureStorageConnection StorageConnection => _storage.Value;

    public AzureServiceBusConnection ServiceBusConnection => _serviceBus.Value;

    public BlobServiceClient Blobs => _blobs.Value;

    public TableServiceClient Tables => _tables.Value;

    public ServiceBusClient ServiceBus => _serviceBusClient.Value;

    /// <summary>The container of raw MIME messages.</summary>
    public BlobContainerClient MessagesContainer => Blobs.GetBlobContainerClient(AzureResourceNames.MessagesContainer);

    public TableClient Table(string name) => Tables.GetTableClient(name);

    public async ValueTask DisposeAsync()
    {
        if (_serviceBusClient.IsValueCreated) await _serviceBusClient.Value.DisposeAsync().ConfigureAwait(false);
    }
}
