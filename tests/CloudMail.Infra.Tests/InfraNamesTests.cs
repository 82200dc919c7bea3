using System.Reflection;
using System.Text.Json.Nodes;
using CloudMail.Core.Queue;
using CloudMail.Infra.Tests.Infrastructure;
using CloudMail.Storage.Azure;

namespace CloudMail.Infra.Tests;

/// <summary>
/// The names the code uses (queues, container, tables, Key Vault secrets, settings) are exactly what the
/// compiled infrastructure declares, so the two cannot drift apart.
/// </summary>
[Collection(CompiledInfraCollection.Name)]
public sealed class InfraNamesTests(CompiledInfraFixture infra)
{
    private IEnumerable<string> Declared(string type) => infra.Main.SelfAndModules().SelectMany(t => t.DeclaredNames(type));

    [Fact]
    public void Service_Bus_declares_exactly_the_queues_of_QueueNames_All()
    {
        Assert.Equal(QueueNames.All.Order(), Declared("Microsoft.ServiceBus/namespaces/queues").Order());
    }

    [Fact]
    public void Storage_declares_exactly_the_tables_of_AzureResourceNames_Tables_All()
    {
        Assert.Equal(AzureResourceNames.Tables.All.Order(), Declared("Microsoft.Storage/storageAccounts/tableServices/tables").Order());
    }

    [Fact]
    public void Every_table_constant_is_listed_in_Tables_All()
    {
        string[] constants = typeof(AzureResourceNames.Tables).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();

        Assert.Equal(constants.Order(), AzureResourceNames.Tables.All.Order());
    }

    [Fact]
    public void Table_names_are_valid_Azure_table_names()
    {
        // Table storage: 3-63 characters, letters and digits, starting with a letter.
        Assert.All(AzureResourceNames.Tables.All, t => Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", t));
    }

    [Fact]
    public void Storage_declares_the_messages_container_on_the_mail_data_account()
    {
        ArmTemplate storage = infra.Main.Module("storage");
        JsonObject messages = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Single(c => ((string)c["name"]!).Contains("dataAccountName", StringComparison.Ordinal));

        Assert.Equal([AzureResourceNames.MessagesContainer], storage.NamesOf(messages));
        Assert.Equal("None", (string?)storage.Resolve(messages["properties"])!["publicAccess"]);
    }

    [Fact]
    public void Key_Vault_secret_and_the_Functions_reference_use_the_smart_host_password_name()
    {
        Assert.Contains(AzureResourceNames.KeyVaultSecrets.SmartHostPassword, Declared("Microsoft.KeyVault/vaults/secrets"));

        ArmTemplate functions = infra.Main.Module("functionapp");
        Assert.Equal(AzureResourceNames.KeyVaultSecrets.SmartHostPassword, (string?)functions.Resolve(functions.Variables["smartHostPasswordSecretName"]));
        Assert.Contains("@Microsoft.KeyVault(VaultName={0};SecretName={1})', parameters('keyVaultName'), variables('smartHostPasswordSecretName')",
            functions.Text.Replace("\\u0027", "'", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Key_Vault_declares_exactly_the_smart_host_password_and_the_SRS_secret()
    {
        Assert.Equal([AzureResourceNames.KeyVaultSecrets.SmartHostPassword, AzureResourceNames.KeyVaultSecrets.SrsSecret],
            Declared("Microsoft.KeyVault/vaults/secrets").Order());
    }

    [Fact]
    public void The_Functions_SRS_secret_setting_is_a_Key_Vault_reference_to_the_SRS_secret()
    {
        ArmTemplate functions = infra.Main.Module("functionapp");
        Assert.Equal(AzureResourceNames.KeyVaultSecrets.SrsSecret, (string?)functions.Resolve(functions.Variables["srsSecretName"]));
        Assert.Contains(AzureResourceNames.Routing.SrsSecret, functions.NameValuePairs().Keys);
        Assert.Equal("CloudMail:Routing:SrsSecret", AzureResourceNames.ToConfigurationKey(AzureResourceNames.Routing.SrsSecret));
        Assert.Contains("@Microsoft.KeyVault(VaultName={0};SecretName={1})', parameters('keyVaultName'), variables('srsSecretName')",
            functions.Text.Replace("\\u0027", "'", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Functions_app_settings_carry_every_identity_based_connection_and_the_smart_host()
    {
        IReadOnlyDictionary<string, string> settings = infra.Main.Module("functionapp").NameValuePairs();

        string[] required =
        [
            AzureResourceNames.StorageConnection.BlobServiceUri,
            AzureResourceNames.StorageConnection.TableServiceUri,
            AzureResourceNames.StorageConnection.Credential,
            AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace,
            AzureResourceNames.ServiceBusConnection.Credential,
            AzureResourceNames.KeyVaultConnection.VaultUri,
            AzureResourceNames.KeyVaultConnection.Credential,
            AzureResourceNames.SmartHost.Host,
            AzureResourceNames.SmartHost.Port,
            AzureResourceNames.SmartHost.Username,
            AzureResourceNames.SmartHost.Password,
            "AzureWebJobsStorage__accountName",
            "AzureWebJobsStorage__credential",
        ];
        Assert.All(required, name => Assert.True(settings.ContainsKey(name), $"Functions app settings lack {name}"));

        // System-assigned identity: a clientId would name a user-assigned identity the app does not have.
        Assert.DoesNotContain(AzureResourceNames.StorageConnection.ClientId, settings.Keys);
        Assert.DoesNotContain(AzureResourceNames.ServiceBusConnection.ClientId, settings.Keys);
        AssertManagedIdentityAndNoConnectionStrings(settings);
    }

    [Fact]
    public void Listener_environment_carries_every_identity_based_connection_with_its_client_id()
    {
        // listenerapp.bicep, the one template both listener apps (smtp, mailbox) are made from.
        IReadOnlyDictionary<string, string> env = infra.Main.Module("containerapps").SelfAndModules()
            .Single(t => t.Name.Contains("-app", StringComparison.Ordinal)).NameValuePairs();

        string[] required =
        [
            AzureResourceNames.StorageConnection.BlobServiceUri,
            AzureResourceNames.StorageConnection.TableServiceUri,
            AzureResourceNames.StorageConnection.Credential,
            AzureResourceNames.StorageConnection.ClientId,
            AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace,
            AzureResourceNames.ServiceBusConnection.Credential,
            AzureResourceNames.ServiceBusConnection.ClientId,
            AzureResourceNames.KeyVaultConnection.VaultUri,
            AzureResourceNames.KeyVaultConnection.Credential,
            AzureResourceNames.KeyVaultConnection.ClientId,
            "AZURE_CLIENT_ID",
        ];
        Assert.All(required, name => Assert.True(env.ContainsKey(name), $"listener environment lacks {name}"));

        // Outbound delivery is the Functions app's job; the listener never relays.
        Assert.DoesNotContain(AzureResourceNames.SmartHost.Host, env.Keys);
        AssertManagedIdentityAndNoConnectionStrings(env);
    }

    [Fact]
    public void Main_outputs_give_a_workstation_the_same_setting_names_the_code_reads()
    {
        JsonObject outputs = infra.Main.Outputs;

        Assert.True(outputs.ContainsKey(AzureResourceNames.StorageConnection.BlobServiceUri));
        Assert.True(outputs.ContainsKey(AzureResourceNames.StorageConnection.TableServiceUri));
        Assert.True(outputs.ContainsKey(AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace));
        Assert.True(outputs.ContainsKey(AzureResourceNames.KeyVaultConnection.VaultUri));
    }

    [Fact]
    public void Setting_names_map_to_configuration_keys()
    {
        Assert.Equal("CloudMailStorage:blobServiceUri", AzureResourceNames.ToConfigurationKey(AzureResourceNames.StorageConnection.BlobServiceUri));
        Assert.Equal("CloudMail:Delivery:SmartHost:Host", AzureResourceNames.ToConfigurationKey(AzureResourceNames.SmartHost.Host));
    }

    [Fact]
    public void Infra_names_file_matches_the_code_constants()
    {
        ArmTemplate serviceBus = infra.Main.Module("servicebus");
        ArmTemplate roles = infra.Main.Module("roles");

        Assert.Equal(QueueNames.Inbound, (string?)roles.Resolve(roles.Variables["inboundQueueName"]));
        Assert.Equal(QueueNames.All, ((JsonArray)serviceBus.Resolve(serviceBus.Variables["queueNames"])!).Select(n => (string)n!));
    }

    private static void AssertManagedIdentityAndNoConnectionStrings(IReadOnlyDictionary<string, string> settings)
    {
        foreach (string credential in new[] { AzureResourceNames.StorageConnection.Credential, AzureResourceNames.ServiceBusConnection.Credential, AzureResourceNames.KeyVaultConnection.Credential })
            Assert.Equal(AzureResourceNames.ManagedIdentityCredential, settings[credential]);

        // The bare connection name holds a connection string (with a key); infra never sets one.
        Assert.DoesNotContain(AzureResourceNames.StorageConnection.Name, settings.Keys);
        Assert.DoesNotContain(AzureResourceNames.ServiceBusConnection.Name, settings.Keys);
        Assert.DoesNotContain(AzureResourceNames.KeyVaultConnection.Name, settings.Keys);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.All(settings.Values, v =>
        {
            Assert.DoesNotContain("AccountKey=", v, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessKey", v, StringComparison.OrdinalIgnoreCase);
        });
    }
}
