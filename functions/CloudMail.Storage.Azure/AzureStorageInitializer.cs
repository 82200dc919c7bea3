using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Storage.Azure;

/// <summary>
/// At host start: logs where the data lives (endpoints and credential kind, never secrets) and, when
/// <see cref="AzureStorageOptions.CreateResourcesIfMissing"/> is set (Azurite, local runs), creates the blob
/// container and every table of <see cref="AzureResourceNames.Tables.All"/> if missing. In Azure the Bicep
/// creates them and this only logs. Service Bus queues are never created here (infra declares them).
/// </summary>
public sealed partial class AzureStorageInitializer(CloudMailAzureClients clients, IOptions<AzureStorageOptions> options,
    ILogger<AzureStorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        LogStorage(logger, clients.StorageConnection.Description);
        if (!options.Value.CreateResourcesIfMissing) return;
        await CreateResourcesAsync(clients, cancellationToken).ConfigureAwait(false);
        LogCreated(logger, AzureResourceNames.MessagesContainer, string.Join(", ", AzureResourceNames.Tables.All));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the container and the tables when missing (idempotent).</summary>
    public static async Task CreateResourcesAsync(CloudMailAzureClients clients, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clients);
        await clients.MessagesContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (string table in AzureResourceNames.Tables.All)
        {
            TableClient client = clients.Table(table);
            await client.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Azure Storage: {Storage}")]
    private static partial void LogStorage(ILogger logger, string storage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created if missing: container {Container}, tables {Tables}")]
    private static partial void LogCreated(ILogger logger, string container, string tables);
}
