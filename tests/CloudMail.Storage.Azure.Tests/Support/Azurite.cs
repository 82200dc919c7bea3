using CloudMail.Storage.Azure;
using Microsoft.Extensions.Configuration;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>
/// The Azurite instance of this test run, shared by every test class (tests use unique names, so they can
/// share one store), found through <see cref="AzuriteProcess"/> (own instance state: storage-azure-tests). If
/// Azurite cannot be reached or started, every test that needs it fails; none is skipped.
/// </summary>
public static class Azurite
{
    private static readonly Lazy<Task<CloudMailAzureClients>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Clients on Azurite, with the container and tables created.</summary>
    public static Task<CloudMailAzureClients> ClientsAsync() => Shared.Value;

    /// <summary>The Azurite connection string of this run (after <see cref="ClientsAsync"/>).</summary>
    public static string ConnectionString { get; private set; } = "";

    /// <summary>Configuration with <c>CloudMailStorage</c> set to Azurite, plus <paramref name="extra"/>.</summary>
    public static IConfiguration Configuration(params (string Key, string? Value)[] extra) =>
        new ConfigurationBuilder().AddInMemoryCollection(
            [new(AzureResourceNames.StorageConnection.Name, ConnectionString), .. extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))]).Build();

    private static async Task<CloudMailAzureClients> StartAsync()
    {
        ConnectionString = await AzuriteProcess.ConnectionStringAsync("storage-azure-tests");
        var clients = new CloudMailAzureClients(Configuration());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await AzureStorageInitializer.CreateResourcesAsync(clients, timeout.Token);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Azurite at {clients.StorageConnection.Description} does not answer.", e);
        }
        return clients;
    }
}
