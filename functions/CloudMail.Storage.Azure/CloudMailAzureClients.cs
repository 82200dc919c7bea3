using Azure.Core;
using Azure.Core.Pipeline;
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

    /// <param name="configuration">The connection settings.</param>
    /// <param name="storageObserver">
    /// A pipeline policy every Blob and Table request passes through (per call), e.g. one that counts requests; null for
    /// none. For measurement and tests: it must pass each request on.
    /// </param>
    public CloudMailAzureClients(IConfiguration configuration, HttpPipelinePolicy? storageObserver = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _storage = new(() => AzureStorageConnection.FromConfiguration(configuration));
        _serviceBus = new(() => AzureServiceBusConnection.FromConfiguration(configuration));
        _blobs = new(() => _storage.Value.CreateBlobServiceClient(Observed(new BlobClientOptions(), storageObserver)));
        _tables = new(() => _storage.Value.CreateTableServiceClient(Observed(new TableClientOptions(), storageObserver)));
        _serviceBusClient = new(() => _serviceBus.Value.CreateClient());
    }

    private static T Observed<T>(T options, HttpPipelinePolicy? observer) where T : ClientOptions
    {
        if (observer is not null) options.AddPolicy(observer, HttpPipelinePosition.PerCall);
        return options;
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
