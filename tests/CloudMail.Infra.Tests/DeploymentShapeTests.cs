using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CloudMail.Infra.Tests.Infrastructure;

namespace CloudMail.Infra.Tests;

/// <summary>
/// The properties a secure, working deployment depends on, read from the compiled template, plus the files
/// azd uses with it (azure.yaml, main.parameters.json, the listener Dockerfile).
/// </summary>
[Collection(CompiledInfraCollection.Name)]
public sealed partial class DeploymentShapeTests(CompiledInfraFixture infra)
{
    private static readonly int[] MailPorts = [25, 465, 587, 143, 993, 110, 995];

    private static JsonObject Props(ArmTemplate t, JsonObject resource) => (JsonObject)t.Resolve(resource["properties"])!;

    [Fact]
    public void Storage_accounts_accept_Entra_ID_only()
    {
        ArmTemplate storage = infra.Main.Module("storage");
        List<JsonObject> accounts = storage.ResourcesOfType("Microsoft.Storage/storageAccounts").ToList();
        JsonObject common = (JsonObject)storage.Resolve(storage.Variables["commonProperties"])!;

        Assert.False((bool)common["allowSharedKeyAccess"]!);
        Assert.False((bool)common["allowBlobPublicAccess"]!);
        Assert.True((bool)common["supportsHttpsTrafficOnly"]!);
        Assert.Equal("TLS1_2", (string?)common["minimumTlsVersion"]);
        // Both accounts use these properties; private networking replaces only the data account's network rules.
        Assert.Equal(2, accounts.Count);
        Assert.All(accounts, a => Assert.Contains((string?)a["properties"], new[]
        {
            "[variables('commonProperties')]",
            "[if(parameters('restrictPublicNetworkAccess'), union(variables('commonProperties'), createObject('networkAcls', variables('publicAccessRules'))), variables('commonProperties'))]",
        }));
    }

    [Fact]
    public void Service_Bus_queues_dead_letter_detect_duplicates_and_lock_long_enough_for_SMTP()
    {
        ArmTemplate serviceBus = infra.Main.Module("servicebus");
        JsonObject ns = serviceBus.ResourcesOfType("Microsoft.ServiceBus/namespaces").Single();
        Assert.True((bool)Props(serviceBus, ns)["disableLocalAuth"]!);
        Assert.Equal("Standard", (string?)serviceBus.Resolve(ns["sku"])!["name"]);

        JsonObject queue = serviceBus.ResourcesOfType("Microsoft.ServiceBus/namespaces/queues").Single();
        JsonObject p = Props(serviceBus, queue);
        Assert.True((bool)p["requiresDuplicateDetection"]!);
        Assert.True((bool)p["deadLetteringOnMessageExpiration"]!);
        Assert.False((bool)p["requiresSession"]!);
        Assert.Equal("PT1M", (string?)p["lockDuration"]); // renewed while a job runs; a crashed instance's jobs return within a minute
        Assert.InRange((int)p["maxDeliveryCount"]!, 3, 20);
        Assert.Matches("^P(T\\d+[HM]|\\d+D)$", (string)p["duplicateDetectionHistoryTimeWindow"]!);
    }

    [Fact]
    public void Functions_app_runs_dotnet_isolated_10_on_Flex_Consumption_with_its_own_identity()
    {
        ArmTemplate functions = infra.Main.Module("functionapp");
        JsonObject plan = functions.ResourcesOfType("Microsoft.Web/serverfarms").Single();
        JsonObject site = functions.ResourcesOfType("Microsoft.Web/sites").Single();
        JsonObject config = (JsonObject)Props(functions, site)["functionAppConfig"]!;

        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("SystemAssigned", (string?)site["identity"]!["type"]);
        Assert.True((bool)Props(functions, site)["httpsOnly"]!);
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        Assert.Equal("blobContainer", (string?)config["deployment"]!["storage"]!["type"]);
        Assert.Equal("SystemAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Equal("functions", ExtractServiceTag(site["tags"]!.ToJsonString().Replace("\\u0027", "'", StringComparison.Ordinal)));
    }

    [Fact]
    public void Event_Grid_topic_takes_CloudEvents_with_Entra_ID_only_and_the_Functions_app_is_given_its_endpoint()
    {
        ArmTemplate eventGrid = infra.Main.Module("eventgrid");
        JsonObject p = Props(eventGrid, eventGrid.ResourcesOfType("Microsoft.EventGrid/topics").Single());
        Assert.Equal("CloudEventSchemaV1_0", (string?)p["inputSchema"]);
        Assert.True((bool)p["disableLocalAuth"]!);
        Assert.Equal("1.2", (string?)p["minimumTlsVersionAllowed"]);

        // The app setting is the one EventGridOptions binds (section CloudMail:Events:EventGrid), with the managed identity.
        ArmTemplate functions = infra.Main.Module("functionapp");
        IReadOnlyDictionary<string, string> settings = functions.NameValuePairs();
        string section = CloudMail.Storage.Azure.EventGrid.EventGridOptions.Section.Replace(":", "__", StringComparison.Ordinal);
        Assert.Contains(section + "__" + nameof(CloudMail.Storage.Azure.EventGrid.EventGridOptions.Endpoint), settings.Keys);
        Assert.Contains(section + "__credential", settings.Keys);
        string eventGridSettings = ArmTemplate.TextOf(functions.Resolve(functions.Variables["eventGridSettings"]));
        Assert.Contains("eventGridTopicEndpoint", eventGridSettings, StringComparison.Ordinal);
        Assert.Contains("'managedidentity'", eventGridSettings, StringComparison.Ordinal);
        Assert.Contains("eventgrid", ArmTemplate.TextOf(infra.Main.ModuleParameters("functionapp")["eventGridTopicEndpoint"]), StringComparison.Ordinal);
        Assert.True(infra.Main.Outputs.ContainsKey("EVENT_GRID_TOPIC_ENDPOINT"));
    }

    [Fact]
    public void Key_Vault_uses_RBAC_not_access_policies()
    {
        ArmTemplate keyVault = infra.Main.Module("keyvault");
        JsonObject p = Props(keyVault, keyVault.ResourcesOfType("Microsoft.KeyVault/vaults").Single());

        Assert.True((bool)p["enableRbacAuthorization"]!);
        Assert.False(p.ContainsKey("accessPolicies"));
    }

    [Fact]
    public void Listener_port_settings_name_real_listener_options()
    {
        ArmTemplate apps = infra.Main.Module("containerapps");
        string[] options = ((JsonArray)apps.Resolve(apps.Variables["mailPorts"])!).Select(p => (string)p!["option"]!).ToArray();
        string portOptions = System.IO.Directory.GetFiles(RepoPaths.Of("listener", "CloudMail.Listener"), "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText).Single(text => text.Contains("class PortOptions", StringComparison.Ordinal));

        Assert.Contains("format('CloudMail__Ports__{0}', parameters('mailPorts')", apps.Text.Replace("\\u0027", "'", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.All(options, o => Assert.Matches($@"public int {o} \{{ get; set; \}}", portOptions));
    }

    [Fact]
    public void Parameters_file_matches_the_parameters_of_main_bicep()
    {
        JsonObject file = (JsonObject)JsonNode.Parse(RepoPaths.Read("infra", "main.parameters.json"))!["parameters"]!;
        JsonObject declared = infra.Main.Parameters;

        Assert.All(file.Select(p => p.Key), name => Assert.True(declared.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare"));
        Assert.All(declared.Where(p => p.Value is JsonObject o && !o.ContainsKey("defaultValue")).Select(p => p.Key),
            name => Assert.True(file.ContainsKey(name), $"main.bicep requires '{name}', which main.parameters.json does not set"));
    }

    [Fact]
    public void Outputs_tell_a_client_where_everything_is()
    {
        string[] required =
        [
            "MAIL_HOST_NAME", "LISTENER_PUBLIC_IP", "SMTP_APP_FQDN", "MAILBOX_APP_FQDN",
            "SMTP_ENDPOINT", "SMTP_SUBMISSION_ENDPOINT", "SMTPS_SUBMISSION_ENDPOINT",
            "IMAP_ENDPOINT", "IMAPS_ENDPOINT", "POP3_ENDPOINT", "POP3S_ENDPOINT",
            "API_BASE_URL", "STORAGE_BLOB_ENDPOINT", "STORAGE_TABLE_ENDPOINT", "SERVICE_BUS_ENDPOINT", "KEY_VAULT_URI",
            "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_RESOURCE_GROUP",
        ];
        Assert.All(required, name => Assert.True(infra.Main.Outputs.ContainsKey(name), $"main.bicep has no output {name}"));
    }

    [Fact]
    public void Azure_yaml_deploys_the_functions_app_and_the_listener_image()
    {
        string yaml = RepoPaths.Read("azure.yaml");

        Assert.Matches(@"(?m)^  functions:\n    project: \./functions/CloudMail\.Functions\n    language: dotnet\n    host: function$", yaml);
        Assert.True(File.Exists(RepoPaths.Of("listener", "CloudMail.Listener", "Dockerfile")));
        // The listener apps' services (smtp, mailbox): ListenerAppsTests.
    }

    [Fact]
    public void Dockerfile_is_multi_stage_non_root_and_exposes_the_mail_ports()
    {
        string dockerfile = RepoPaths.Read("listener", "CloudMail.Listener", "Dockerfile");
        string assemblyName = AssemblyName().Match(RepoPaths.Read("listener", "CloudMail.Listener", "CloudMail.Listener.csproj")).Groups[1].Value;

        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0 AS runtime$", dockerfile);
        string user = Regex.Matches(dockerfile, @"(?m)^USER (\S+)$").Last().Groups[1].Value;
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);

        int[] exposed = Regex.Match(dockerfile, @"(?m)^EXPOSE (.+)$").Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        Assert.Equal(MailPorts.Append(8080).Order(), exposed.Order());

        Assert.Equal("cloudmail", assemblyName);
        Assert.Contains($"""ENTRYPOINT ["dotnet", "{assemblyName}.dll", "listener"]""", dockerfile, StringComparison.Ordinal);
    }

    private static string? ExtractServiceTag(string expression) =>
        Regex.Match(expression, @"'azd-service-name', '([^']+)'").Groups[1].Value;

    [GeneratedRegex("<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyName();
}
