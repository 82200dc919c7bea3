using System.Text.Json.Nodes;
using CloudMail.Core.Queue;
using CloudMail.Infra.Tests.Infrastructure;

namespace CloudMail.Infra.Tests;

/// <summary>
/// Diagnostic settings send the logs and metrics of Storage, Service Bus, Key Vault, the Functions app and the
/// Container Apps environment to the Log Analytics workspace (infra/modules/diagnostics.bicep), and the alerts an
/// operator needs exist (infra/modules/alerts.bicep): dead letters per queue, inbound backlog, storage throttling,
/// Functions failures, certificate expiry, all on one action group.
/// </summary>
[Collection(CompiledInfraCollection.Name)]
public sealed class MonitoringTests(CompiledInfraFixture infra)
{
    private const string DiagnosticSettingsType = "Microsoft.Insights/diagnosticSettings";
    private const string MetricAlertType = "Microsoft.Insights/metricAlerts";

    private ArmTemplate Diagnostics => infra.Main.Module("diagnostics");

    private ArmTemplate Alerts => infra.Main.Module("alerts");

    private static string Text(JsonNode? node) => ArmTemplate.TextOf(node);

    [Theory]
    [InlineData("resourceId('Microsoft.Storage/storageAccounts', parameters('dataAccountName'))", "Transaction")]
    [InlineData("resourceId('Microsoft.Storage/storageAccounts/blobServices', parameters('dataAccountName'), 'default')", "StorageWrite")]
    [InlineData("resourceId('Microsoft.Storage/storageAccounts/tableServices', parameters('dataAccountName'), 'default')", "StorageWrite")]
    [InlineData("resourceId('Microsoft.ServiceBus/namespaces', parameters('serviceBusNamespaceName'))", "allLogs")]
    [InlineData("resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName'))", "audit")]
    [InlineData("resourceId('Microsoft.Web/sites', parameters('functionAppName'))", "FunctionAppLogs")]
    [InlineData("resourceId('Microsoft.App/managedEnvironments', parameters('containerAppsEnvironmentName'))", "allLogs")]
    public void Each_resource_sends_its_logs_and_metrics_to_the_workspace(string scope, string category)
    {
        JsonObject setting = Diagnostics.ResourcesOfType(DiagnosticSettingsType).Single(d => (string?)d["scope"] == $"[{scope}]");
        JsonObject properties = (JsonObject)Diagnostics.Resolve(setting["properties"])!;

        Assert.Equal("[resourceId('Microsoft.OperationalInsights/workspaces', parameters('logAnalyticsName'))]", (string?)setting["properties"]!["workspaceId"]);
        Assert.Contains($"\"{category}\"", Text(properties), StringComparison.Ordinal);
        Assert.All(properties["logs"]?.AsArray() ?? [], l => Assert.True((bool)l!["enabled"]!));
        Assert.NotEmpty(properties["metrics"]!.AsArray());
    }

    [Fact]
    public void Diagnostics_watch_the_resources_main_bicep_deploys()
    {
        JsonObject passed = infra.Main.ModuleParameters("diagnostics");

        Assert.Equal("[variables('names').logAnalytics]", (string?)passed["logAnalyticsName"]!["value"]);
        Assert.Equal("[variables('names').dataAccount]", (string?)passed["dataAccountName"]!["value"]);
        Assert.Equal("[variables('names').functionApp]", (string?)passed["functionAppName"]!["value"]);
        Assert.Equal("[variables('names').containerAppsEnvironment]", (string?)passed["containerAppsEnvironmentName"]!["value"]);
    }

    [Fact]
    public void Container_Apps_environment_logs_through_Azure_Monitor_without_the_workspace_key()
    {
        ArmTemplate apps = infra.Main.Module("containerapps");
        JsonObject environment = apps.ResourcesOfType("Microsoft.App/managedEnvironments").Single();

        Assert.Equal("azure-monitor", (string?)environment["properties"]!["appLogsConfiguration"]!["destination"]);
        Assert.DoesNotContain("listKeys", apps.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_pipeline_queue_has_a_dead_letter_alert_above_zero()
    {
        JsonObject alert = Alerts.ResourcesOfType(MetricAlertType).Single(a => Text(a).Contains("DeadletteredMessages", StringComparison.Ordinal));
        JsonObject criterion = Criterion(alert, 0);

        Assert.Equal("[length(variables('queueNames'))]", (string?)alert["copy"]!["count"]);
        Assert.Equal(QueueNames.All, ((JsonArray)Alerts.Resolve(Alerts.Variables["queueNames"])!).Select(q => (string)q!));
        Assert.Equal("GreaterThan", (string?)criterion["operator"]);
        Assert.Equal(0, (int)criterion["threshold"]!);
        Assert.Equal("EntityName", (string?)criterion["dimensions"]![0]!["name"]);
        Assert.Equal("[variables('queueNames')[copyIndex()]]", (string?)criterion["dimensions"]![0]!["values"]![0]);
    }

    [Fact]
    public void Inbound_backlog_storage_throttling_and_function_failures_alert()
    {
        JsonObject backlog = Criterion(Alert("cloudmail-inbound-backlog"), 0);
        Assert.Equal("ActiveMessages", (string?)backlog["metricName"]);
        Assert.Equal(QueueNames.Inbound, (string?)Alerts.Resolve(backlog["dimensions"])![0]!["values"]![0]);

        JsonObject throttling = Criterion(Alert("cloudmail-storage-throttling"), 0);
        Assert.Equal("Transactions", (string?)throttling["metricName"]);
        Assert.Equal("ResponseType", (string?)throttling["dimensions"]![0]!["name"]);
        Assert.Equal(["ServerBusyError", "ClientThrottlingError"], throttling["dimensions"]![0]!["values"]!.AsArray().Select(v => (string)v!));

        JsonObject failures = Alert("cloudmail-function-failures");
        Assert.Equal(["requests/failed", "exceptions/count"], new[] { Criterion(failures, 0), Criterion(failures, 1) }.Select(c => (string)c["metricName"]!));
        Assert.Contains("microsoft.insights/components", Text(failures["properties"]!["scopes"]), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Certificate_expiry_events_raise_an_alert_on_the_action_group()
    {
        JsonObject subscription = Alerts.ResourcesOfType("Microsoft.EventGrid/systemTopics/eventSubscriptions").Single();
        JsonObject topic = Alerts.ResourcesOfType("Microsoft.EventGrid/systemTopics").Single();

        Assert.Equal("Microsoft.KeyVault.vaults", (string?)topic["properties"]!["topicType"]);
        Assert.Equal("MonitorAlert", (string?)subscription["properties"]!["destination"]!["endpointType"]);
        Assert.Contains("Microsoft.KeyVault.CertificateNearExpiry", subscription["properties"]!["filter"]!["includedEventTypes"]!.AsArray().Select(t => (string)t!));
        Assert.Contains("actionGroups", Text(subscription), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_notifies_the_action_group_whose_e_mail_receiver_is_optional()
    {
        Assert.All(Alerts.ResourcesOfType(MetricAlertType), a => Assert.Equal("[variables('notify')]", (string?)a["properties"]!["actions"]));
        Assert.Contains("resourceId('Microsoft.Insights/actionGroups', parameters('actionGroupName'))", Text(Alerts.Variables["notify"]), StringComparison.Ordinal);

        JsonObject group = Alerts.ResourcesOfType("Microsoft.Insights/actionGroups").Single();
        Assert.Equal("[variables('createActionGroup')]", (string?)group["condition"]);
        Assert.StartsWith("[if(empty(parameters('alertEmailAddress')), createArray()", (string?)group["properties"]!["emailReceivers"], StringComparison.Ordinal);
        Assert.Equal("", (string?)infra.Main.Parameters["alertEmailAddress"]!["defaultValue"]);
        Assert.Equal("", (string?)infra.Main.Parameters["alertActionGroupId"]!["defaultValue"]);
    }

    private JsonObject Alert(string name) => Alerts.ResourcesOfType(MetricAlertType).Single(a => (string?)a["name"] == name);

    private JsonObject Criterion(JsonObject alert, int index) => (JsonObject)Alerts.Resolve(alert["properties"]!["criteria"]!["allOf"]![index])!;
}
