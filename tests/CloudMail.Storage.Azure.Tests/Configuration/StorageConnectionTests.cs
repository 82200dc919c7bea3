using Azure.Identity;
using CloudMail.Storage.Azure.Connections;
using Microsoft.Extensions.Configuration;

namespace CloudMail.Storage.Azure.Tests.Configuration;

/// <summary>
/// The Functions-style connection settings produce clients for the right endpoints with the right kind of
/// credential. Keys are written with <see cref="AzureResourceNames.ToConfigurationKey"/>, which is what the
/// environment-variable provider makes of <c>CloudMailStorage__blobServiceUri</c>.
/// </summary>
public sealed class StorageConnectionTests
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void UseDevelopmentStorage_targets_Azurite_on_its_default_ports()
    {
        AzureStorageConnection connection = AzureStorageConnection.FromConfiguration(Config((AzureResourceNames.StorageConnection.Name, "UseDevelopmentStorage=true")));

        Assert.True(connection.UsesConnectionString);
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", connection.CreateBlobServiceClient().Uri.ToString().TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1", connection.CreateTableServiceClient().Uri.ToString().TrimEnd('/'));
        Assert.Null(connection.Credential);
    }

    [Fact]
    public void Connection_string_with_explicit_endpoints_uses_them()
    {
        string connectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};" +
            "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;";

        AzureStorageConnection connection = AzureStorageConnection.FromConfiguration(Config((AzureResourceNames.StorageConnection.Name, connectionString)));

        Assert.Equal("http://127.0.0.1:41000/devstoreaccount1", connection.CreateBlobServiceClient().Uri.ToString().TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:41002/devstoreaccount1", connection.CreateTableServiceClient().Uri.ToString().TrimEnd('/'));
    }

    [Fact]
    public void Service_uris_with_managedidentity_and_clientId_use_a_user_assigned_managed_identity()
    {
        AzureStorageConnection connection = AzureStorageConnection.FromConfiguration(Config(
            (AzureResourceNames.StorageConnection.BlobServiceUri, "https://mailacct.blob.core.windows.net/"),
            (AzureResourceNames.StorageConnection.TableServiceUri, "https://mailacct.table.core.windows.net/"),
            (AzureResourceNames.StorageConnection.Credential, "managedidentity"),
            (AzureResourceNames.StorageConnection.ClientId, "00000000-0000-0000-0000-000000000abc")));

        Assert.False(connection.UsesConnectionString);
        Assert.IsType<ManagedIdentityCredential>(connection.Credential);
        Assert.Contains("00000000-0000-0000-0000-000000000abc", connection.CredentialKind, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://mailacct.blob.core.windows.net/"), connection.CreateBlobServiceClient().Uri);
        Assert.Equal(new Uri("https://mailacct.table.core.windows.net/"), connection.CreateTableServiceClient().Uri);
        Assert.Equal("blob https://mailacct.blob.core.windows.net/, table https://mailacct.table.core.windows.net/ via managed identity (client id 00000000-0000-0000-0000-000000000abc)",
            connection.Description);
    }

    [Fact]
    public void Managedidentity_without_clientId_is_system_assigned_and_the_value_is_case_insensitive()
    {
        AzureStorageConnection connection = AzureStorageConnection.FromConfiguration(Config(
            (AzureResourceNames.StorageConnection.BlobServiceUri, "https://mailacct.blob.core.windows.net/"),
            (AzureResourceNames.StorageConnection.TableServiceUri, "https://mailacct.table.core.windows.net/"),
            (AzureResourceNames.StorageConnection.Credential, "ManagedIdentity")));

        Assert.IsType<ManagedIdentityCredential>(connection.Credential);
        Assert.Equal("managed identity (system-assigned)", connection.CredentialKind);
    }

    [Fact]
    public void Service_uris_without_credential_use_DefaultAzureCredential()
    {
        AzureStorageConnection connection = AzureStorageConnection.FromConfiguration(Config(
            (AzureResourceNames.StorageConnection.BlobServiceUri, "https://mailacct.blob.core.windows.net/"),
            (AzureResourceNames.StorageConnection.TableServiceUri, "https://mailacct.table.core.windows.net/")));

        Assert.IsType<DefaultAzureCredential>(connection.Credential);
    }

    [Fact]
    public void A_connection_string_wins_over_service_uris()
    {
        AzureStorageConnection connection = AzureStorageConnection.FromConfiguration(Config(
            (AzureResourceNames.StorageConnection.Name, "UseDevelopmentStorage=true"),
            (AzureResourceNames.StorageConnection.BlobServiceUri, "https://mailacct.blob.core.windows.net/"),
            (AzureResourceNames.StorageConnection.TableServiceUri, "https://mailacct.table.core.windows.net/")));

        Assert.True(connection.UsesConnectionString);
        Assert.Equal("127.0.0.1", connection.CreateBlobServiceClient().Uri.Host);
    }

    [Fact]
    public void Missing_settings_fail_with_a_message_naming_them()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => AzureStorageConnection.FromConfiguration(Config(
            (AzureResourceNames.StorageConnection.BlobServiceUri, "https://mailacct.blob.core.windows.net/"))));

        Assert.Contains(AzureResourceNames.StorageConnection.Name, missing.Message, StringComparison.Ordinal);
        Assert.Contains(AzureResourceNames.StorageConnection.TableServiceUri, missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_credential_kind_is_a_configuration_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AzureStorageConnection.FromConfiguration(Config(
            (AzureResourceNames.StorageConnection.BlobServiceUri, "https://mailacct.blob.core.windows.net/"),
            (AzureResourceNames.StorageConnection.TableServiceUri, "https://mailacct.table.core.windows.net/"),
            (AzureResourceNames.StorageConnection.Credential, "clientsecret"))));

        Assert.Contains("CloudMailStorage__credential", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_service_uri_is_a_configuration_error()
    {
        Assert.Throws<InvalidOperationException>(() => AzureStorageConnection.FromConfiguration(Config(
            (AzureResourceNames.StorageConnection.BlobServiceUri, "mailacct.blob.core.windows.net"),
            (AzureResourceNames.StorageConnection.TableServiceUri, "https://mailacct.table.core.windows.net/"))));
    }

    [Fact]
    public void Description_never_contains_the_account_key()
    {
        string connectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};" +
            "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;";

        string description = AzureStorageConnection.FromConfiguration(Config((AzureResourceNames.StorageConnection.Name, connectionString))).Description;

        Assert.DoesNotContain(AzuriteKey[..20], description, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:41000/devstoreaccount1", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Description_drops_a_SAS_query_string()
    {
        string connectionString = "BlobEndpoint=https://mailacct.blob.core.windows.net/;TableEndpoint=https://mailacct.table.core.windows.net/;" +
            "SharedAccessSignature=sv=2024-11-04&ss=bt&sig=SECRETSIGNATURE";

        string description = AzureStorageConnection.FromConfiguration(Config((AzureResourceNames.StorageConnection.Name, connectionString))).Description;

        Assert.DoesNotContain("SECRETSIGNATURE", description, StringComparison.Ordinal);
    }

    internal static IConfiguration Config(params (string Setting, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(
            settings.Select(s => new KeyValuePair<string, string?>(AzureResourceNames.ToConfigurationKey(s.Setting), s.Value))).Build();
}
