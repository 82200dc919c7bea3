using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Intake;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Blobs;
using CloudMail.Storage.Azure.DeliveryLog;
using CloudMail.Storage.Azure.Directory;
using CloudMail.Storage.Azure.Intake;
using CloudMail.Storage.Azure.Mailboxes;
using CloudMail.Storage.Azure.Queue;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CloudMail.Storage.Azure.Tests.Configuration;

public sealed class ServiceRegistrationTests : IAsyncLifetime
{
    private const string ServiceBus =
        "Endpoint=sb://cloudmail-test.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VjcmV0LWtleS1ub3QtcmVhbA==";

    public async Task InitializeAsync() => await Azurite.ClientsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_contract_resolves_to_its_Azure_implementation()
    {
        await using ServiceProvider provider = Services((AzureResourceNames.ServiceBusConnection.Name, ServiceBus)).BuildServiceProvider();

        Assert.IsType<AzureMessageBlobStore>(provider.GetRequiredService<IMessageBlobStore>());
        Assert.IsType<AzureMailDirectory>(provider.GetRequiredService<IMailDirectory>());
        Assert.IsType<AzureMailboxIndex>(provider.GetRequiredService<IMailboxIndex>());
        Assert.IsType<AzureDeliveryLog>(provider.GetRequiredService<IDeliveryLog>());
        Assert.IsType<AzureApiKeyStore>(provider.GetRequiredService<IApiKeyStore>());
        Assert.IsType<AzureAdminKeyStore>(provider.GetRequiredService<IAdminKeyStore>());
        Assert.IsType<AzureIntakeOutbox>(provider.GetRequiredService<IIntakeOutbox>());
        Assert.IsType<CloudMail.Storage.Azure.Idempotency.AzureIdempotencyStore>(provider.GetRequiredService<CloudMail.Core.SendApi.IIdempotencyStore>());
        Assert.IsType<ServiceBusMailQueue>(provider.GetRequiredService<IMailQueue>());
        Assert.Equal("cloudmail-test.servicebus.windows.net", provider.GetRequiredService<CloudMailAzureClients>().ServiceBus.FullyQualifiedNamespace);
    }

    [Fact]
    public async Task A_vault_URI_registers_the_Key_Vault_DKIM_signer_and_key_creator_and_none_without_it()
    {
        await using ServiceProvider without = Services().BuildServiceProvider();
        Assert.Null(without.GetService<CloudMail.Core.Dkim.IRemoteDigestSignerFactory>());
        Assert.Null(without.GetService<CloudMail.Core.Dkim.IRemoteDkimKeyCreator>());

        await using ServiceProvider with = Services((AzureResourceNames.KeyVaultConnection.VaultUri, "https://kv-mail.vault.azure.net/"),
            (AzureResourceNames.KeyVaultConnection.Credential, AzureResourceNames.ManagedIdentityCredential)).BuildServiceProvider();
        var signers = Assert.IsType<CloudMail.Storage.Azure.KeyVault.KeyVaultDigestSigners>(with.GetRequiredService<CloudMail.Core.Dkim.IRemoteDigestSignerFactory>());
        Assert.Same(signers, with.GetRequiredService<CloudMail.Core.Dkim.IRemoteDkimKeyCreator>());
        Assert.Equal(new Uri("https://kv-mail.vault.azure.net/"), with.GetRequiredService<CloudMail.Storage.Azure.KeyVault.KeyVaultKeyClient>().VaultUri);
        // Only keys of the configured vault sign: another vault's key id is unavailable, not a request to it.
        Assert.NotNull(signers.For("https://kv-mail.vault.azure.net/keys/dkim-a-test-s1/0123abcd"));
        Assert.Throws<CloudMail.Core.Dkim.DkimKeyUnavailableException>(() => signers.For("https://other.vault.azure.net/keys/dkim-a-test-s1/0123abcd"));
        Assert.Throws<CloudMail.Core.Dkim.DkimKeyUnavailableException>(() => signers.For("https://kv-mail.vault.azure.net/secrets/dkim-a-test-s1/0123abcd"));
    }

    [Fact]
    public async Task Registered_stores_work_against_Azurite()
    {
        await using ServiceProvider provider = Services().BuildServiceProvider();
        IMailDirectory directory = provider.GetRequiredService<IMailDirectory>();
        string domain = $"reg{Guid.NewGuid():N}.test";

        await directory.AddDomainAsync(domain, CancellationToken.None);

        Assert.True(await directory.IsLocalDomainAsync(domain, CancellationToken.None));
    }

    [Fact]
    public async Task Without_Service_Bus_settings_storage_works_and_the_queue_fails_naming_the_settings()
    {
        await using ServiceProvider provider = Services().BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<IMailboxIndex>());
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IMailQueue>());
        Assert.Contains(AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_start_with_CreateResourcesIfMissing_leaves_the_container_and_every_table_in_place()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(
        [
            new(AzureResourceNames.StorageConnection.Name, Azurite.ConnectionString),
            new($"{AzureStorageOptions.Section}:{nameof(AzureStorageOptions.CreateResourcesIfMissing)}", "true"),
        ]);
        builder.Services.AddCloudMailAzureStorage(builder.Configuration);
        using IHost host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        CloudMailAzureClients clients = host.Services.GetRequiredService<CloudMailAzureClients>();
        Assert.True((await clients.MessagesContainer.ExistsAsync()).Value);
        foreach (string table in AzureResourceNames.Tables.All)
        {
            Assert.Single(clients.Tables.QueryAsync(t => t.Name == table).ToBlockingEnumerable());
        }
    }

    [Fact]
    public async Task Invalid_options_fail_at_host_start()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(
        [
            new(AzureResourceNames.StorageConnection.Name, Azurite.ConnectionString),
            new($"{AzureStorageOptions.Section}:{nameof(AzureStorageOptions.BlobBlockSize)}", "1000"),
            new($"{AzureStorageOptions.Section}:{nameof(AzureStorageOptions.MaxConcurrencyAttempts)}", "0"),
        ]);
        builder.Services.AddCloudMailAzureStorage(builder.Configuration);
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("BlobBlockSize", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxConcurrencyAttempts", StringComparison.Ordinal));
    }

    private static ServiceCollection Services(params (string Key, string Value)[] extra)
    {
        IConfiguration configuration = Azurite.Configuration([.. extra.Select(e => (AzureResourceNames.ToConfigurationKey(e.Key), (string?)e.Value))]);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCloudMailAzureStorage(configuration);
        return services;
    }
}
