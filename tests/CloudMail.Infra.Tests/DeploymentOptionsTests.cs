using System.Text.Json.Nodes;
using CloudMail.Infra.Tests.Infrastructure;
using CloudMail.Storage.Azure;

namespace CloudMail.Infra.Tests;

/// <summary>
/// The deployment's opt-in options: zone-redundant storage, private networking (private endpoints, Functions VNet
/// integration, public access refused), and the blob lifecycle rule, which only tiers message blobs to Cool because
/// message blobs are deleted by the reclaimer alone (no age-based rule can know a mailbox no longer holds one).
/// </summary>
[Collection(CompiledInfraCollection.Name)]
public sealed class DeploymentOptionsTests(CompiledInfraFixture infra)
{
    private static string Text(JsonNode? node) => ArmTemplate.TextOf(node);

    private JsonObject Passed(string module) => infra.Main.ModuleParameters(module);

    [Fact]
    public void Storage_replication_is_a_parameter_offering_ZRS_for_both_accounts()
    {
        JsonObject sku = (JsonObject)infra.Main.Parameters["storageSkuName"]!;
        Assert.Contains("Standard_ZRS", sku["allowedValues"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("Standard_LRS", (string?)sku["defaultValue"]);
        Assert.Equal("[parameters('storageSkuName')]", (string?)Passed("storage")["dataSkuName"]!["value"]);

        ArmTemplate storage = infra.Main.Module("storage");
        Assert.All(storage.ResourcesOfType("Microsoft.Storage/storageAccounts"), a => Assert.Equal("[parameters('dataSkuName')]", (string?)a["sku"]!["name"]));
    }

    [Fact]
    public void Private_networking_is_off_by_default_and_switches_every_piece_together()
    {
        Assert.False((bool)infra.Main.Parameters["usePrivateNetworking"]!["defaultValue"]!);
        Assert.Equal("[parameters('usePrivateNetworking')]", (string?)infra.Main.ModuleDeployment("privatenetwork")["condition"]);
        Assert.Equal("[parameters('usePrivateNetworking')]", (string?)Passed("network")["usePrivateNetworking"]!["value"]);
        Assert.Equal("[parameters('usePrivateNetworking')]", (string?)Passed("storage")["restrictPublicNetworkAccess"]!["value"]);
        Assert.Equal("[parameters('usePrivateNetworking')]", (string?)Passed("keyvault")["restrictPublicNetworkAccess"]!["value"]);
        Assert.Contains("functionsSubnetId", Text(Passed("functionapp")["virtualNetworkSubnetId"]), StringComparison.Ordinal);

        // Off: no extra subnet, no VNet integration, nothing refused.
        ArmTemplate network = infra.Main.Module("network");
        Assert.Equal("[concat(createArray(variables('containerAppsSubnet')), if(parameters('usePrivateNetworking'), variables('privateSubnets'), createArray()))]",
            (string?)network.ResourcesOfType("Microsoft.Network/virtualNetworks").Single()["properties"]!["subnets"]);
        ArmTemplate functions = infra.Main.Module("functionapp");
        Assert.Equal("[if(empty(parameters('virtualNetworkSubnetId')), null(), parameters('virtualNetworkSubnetId'))]",
            (string?)functions.ResourcesOfType("Microsoft.Web/sites").Single()["properties"]!["virtualNetworkSubnetId"]);
    }

    [Fact]
    public void Functions_integration_subnet_is_delegated_as_Flex_Consumption_requires()
    {
        ArmTemplate network = infra.Main.Module("network");
        JsonArray privateSubnets = (JsonArray)network.Resolve(network.Variables["privateSubnets"])!;
        JsonObject functions = (JsonObject)privateSubnets.Single(s => (string?)s!["name"] == "snet-functions")!;

        Assert.Equal("Microsoft.App/environments", (string?)functions["properties"]!["delegations"]![0]!["properties"]!["serviceName"]);
        Assert.Contains(privateSubnets, s => (string?)s!["name"] == "snet-private-endpoints");
    }

    [Fact]
    public void Private_endpoints_cover_mail_data_host_storage_and_Key_Vault_with_their_DNS_zones()
    {
        ArmTemplate privateNetwork = infra.Main.Module("privatenetwork");
        // Target names as main.bicep passes them (its names variable).
        var endpoints = ((JsonArray)privateNetwork.Resolve(privateNetwork.Variables["endpoints"])!)
            .Select(e => $"{e!["targetName"]} {e["groupId"]}").ToArray();

        Assert.Equal(
            new[]
            {
                "[variables('names').dataAccount] blob", "[variables('names').dataAccount] table",
                "[variables('names').hostAccount] blob", "[variables('names').hostAccount] queue", "[variables('names').hostAccount] table",
                "[variables('names').keyVault] vault",
            }.Order(),
            endpoints.Order());
        JsonObject zones = (JsonObject)privateNetwork.Resolve(privateNetwork.Variables["zones"])!;
        Assert.Equal(["blob", "table", "queue", "vault"], zones.Select(z => z.Key));
        Assert.Single(privateNetwork.ResourcesOfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups"));
    }

    [Fact]
    public void Restricted_accounts_deny_public_traffic_except_allowed_ranges_and_trusted_services()
    {
        ArmTemplate storage = infra.Main.Module("storage");
        JsonObject rules = (JsonObject)storage.Variables["publicAccessRules"]!;

        Assert.Equal("Deny", (string?)rules["defaultAction"]);
        Assert.Equal("AzureServices", (string?)rules["bypass"]);
        Assert.Equal("[parameters('allowedIpRanges')]", (string?)Passed("storage")["allowedIpRanges"]!["value"]);

        ArmTemplate keyVault = infra.Main.Module("keyvault");
        Assert.Equal("[if(parameters('restrictPublicNetworkAccess'), 'Deny', 'Allow')]",
            (string?)keyVault.ResourcesOfType("Microsoft.KeyVault/vaults").Single()["properties"]!["networkAcls"]!["defaultAction"]);
    }

    [Fact]
    public void Lifecycle_rule_only_tiers_message_blobs_to_cool_and_never_deletes()
    {
        ArmTemplate storage = infra.Main.Module("storage");
        JsonObject policy = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/managementPolicies").Single();
        JsonObject rule = (JsonObject)storage.Resolve(policy["properties"]!["policy"]!["rules"]![0])!;
        JsonObject actions = (JsonObject)rule["definition"]!["actions"]!;

        Assert.Equal("[greater(parameters('messagesCoolAfterDays'), 0)]", (string?)policy["condition"]);
        Assert.Contains("parameters('dataAccountName')", (string?)policy["name"], StringComparison.Ordinal);
        Assert.Equal(["baseBlob"], actions.Select(a => a.Key));
        Assert.Equal(["tierToCool"], actions["baseBlob"]!.AsObject().Select(a => a.Key));
        Assert.DoesNotContain("delete", Text(policy), StringComparison.OrdinalIgnoreCase);
        Assert.Equal($"{AzureResourceNames.MessagesContainer}/", ((string?)rule["definition"]!["filters"]!["prefixMatch"]![0])!
            .Replace("[format('{0}/', variables('messagesContainerName'))]", AzureResourceNames.MessagesContainer + "/", StringComparison.Ordinal));
        Assert.Equal(30, (int)infra.Main.Parameters["messagesCoolAfterDays"]!["defaultValue"]!);
    }
}
