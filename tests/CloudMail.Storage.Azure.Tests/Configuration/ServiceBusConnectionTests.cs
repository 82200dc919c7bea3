using Azure.Identity;
using CloudMail.Storage.Azure.Connections;

namespace CloudMail.Storage.Azure.Tests.Configuration;

public sealed class ServiceBusConnectionTests
{
    private const string ConnectionString =
        "Endpoint=sb://cloudmail-test.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VjcmV0LWtleS1ub3QtcmVhbA==";

    [Fact]
    public async Task Connection_string_targets_its_namespace()
    {
        AzureServiceBusConnection connection = AzureServiceBusConnection.FromConfiguration(
            StorageConnectionTests.Config((AzureResourceNames.ServiceBusConnection.Name, ConnectionString)));

        await using var client = connection.CreateClient();
        Assert.True(connection.UsesConnectionString);
        Assert.Equal("cloudmail-test.servicebus.windows.net", client.FullyQualifiedNamespace);
        Assert.Equal("namespace cloudmail-test.servicebus.windows.net via connection string", connection.Description);
    }

    [Fact]
    public async Task FullyQualifiedNamespace_with_managedidentity_uses_a_user_assigned_identity()
    {
        AzureServiceBusConnection connection = AzureServiceBusConnection.FromConfiguration(StorageConnectionTests.Config(
            (AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace, "cloudmail-prod.servicebus.windows.net"),
            (AzureResourceNames.ServiceBusConnection.Credential, "managedidentity"),
            (AzureResourceNames.ServiceBusConnection.ClientId, "11111111-2222-3333-4444-555555555555")));

        await using var client = connection.CreateClient();
        Assert.Equal("cloudmail-prod.servicebus.windows.net", client.FullyQualifiedNamespace);
        Assert.IsType<ManagedIdentityCredential>(connection.Credential);
        Assert.Equal("namespace cloudmail-prod.servicebus.windows.net via managed identity (client id 11111111-2222-3333-4444-555555555555)", connection.Description);
    }

    [Fact]
    public void FullyQualifiedNamespace_without_credential_uses_DefaultAzureCredential()
    {
        AzureServiceBusConnection connection = AzureServiceBusConnection.FromConfiguration(StorageConnectionTests.Config(
            (AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace, "cloudmail-prod.servicebus.windows.net")));

        Assert.IsType<DefaultAzureCredential>(connection.Credential);
    }

    [Fact]
    public void Missing_settings_fail_with_a_message_naming_them()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => AzureServiceBusConnection.FromConfiguration(StorageConnectionTests.Config()));

        Assert.Contains(AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace, missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Description_never_contains_the_shared_access_key()
    {
        AzureServiceBusConnection connection = AzureServiceBusConnection.FromConfiguration(
            StorageConnectionTests.Config((AzureResourceNames.ServiceBusConnection.Name, ConnectionString)));

        Assert.DoesNotContain("c2VjcmV0", connection.Description, StringComparison.Ordinal);
    }
}
