using System.Text.Json.Nodes;
using CloudMail.Infra.Tests.Infrastructure;

namespace CloudMail.Infra.Tests;

/// <summary>
/// The listener runs as two container apps from one image (infra/modules/containerapps.bicep declares
/// infra/modules/listenerapp.bicep for each): <c>smtp</c> (25, 465, 587) and <c>mailbox</c> (143, 993, 110, 995),
/// because Container Apps exposes at most 5 TCP ports per app. Each scales on its own TCP connection count.
/// </summary>
[Collection(CompiledInfraCollection.Name)]
public sealed class ListenerAppsTests(CompiledInfraFixture infra)
{
    /// <summary>Container Apps: exposedPort plus at most 4 additionalPortMappings.</summary>
    private const int MaxPortsPerApp = 5;

    private static readonly int[] SmtpPorts = [25, 465, 587];
    private static readonly int[] MailboxPorts = [143, 993, 110, 995];

    private ArmTemplate Apps => infra.Main.Module("containerapps");

    /// <summary>The nested template of listenerapp.bicep (one module, looped over the two apps).</summary>
    private ArmTemplate ListenerApp => Apps.SelfAndModules().Single(t => t.Name.Contains("-app", StringComparison.Ordinal));

    private JsonObject AppResource => ListenerApp.ResourcesOfType("Microsoft.App/containerApps").Single();

    private IReadOnlyList<JsonObject> MailPorts => ((JsonArray)Apps.Resolve(Apps.Variables["mailPorts"])!).Select(p => (JsonObject)p!).ToList();

    private IReadOnlyList<JsonObject> ListenerAppsDeclared => ((JsonArray)Apps.Resolve(Apps.Variables["listenerApps"])!).Select(a => (JsonObject)a!).ToList();

    private int[] PortsOf(string service) => MailPorts.Where(p => (string?)p["app"] == service).Select(p => (int)p["port"]!).ToArray();

    private static string Text(JsonNode? node) => ArmTemplate.TextOf(node);

    [Fact]
    public void Two_apps_smtp_and_mailbox_split_the_seven_mail_ports_at_most_five_each()
    {
        Assert.Equal(["smtp", "mailbox"], ListenerAppsDeclared.Select(a => (string)a["serviceName"]!));
        Assert.Equal(SmtpPorts.Order(), PortsOf("smtp").Order());
        Assert.Equal(MailboxPorts.Order(), PortsOf("mailbox").Order());
        Assert.All(ListenerAppsDeclared, a => Assert.InRange(PortsOf((string)a["serviceName"]!).Length, 1, MaxPortsPerApp));
        Assert.DoesNotContain(MailPorts, p => (string?)p["app"] is not ("smtp" or "mailbox"));
    }

    [Fact]
    public void Each_app_exposes_only_its_own_ports_over_external_TCP()
    {
        JsonObject ingress = (JsonObject)AppResource["properties"]!["configuration"]!["ingress"]!;

        Assert.Equal("tcp", (string?)ingress["transport"]);
        Assert.True((bool)ingress["external"]!);
        Assert.Equal("[filter(parameters('mailPorts'), lambda('p', equals(lambdaVariables('p').app, parameters('serviceName'))))]",
            (string?)ListenerApp.Variables["appPorts"]);
        Assert.Equal("[variables('appPorts')[0].port]", (string?)ingress["exposedPort"]);
        Assert.StartsWith("[map(skip(variables('appPorts'), 1)", Text(ingress["additionalPortMappings"]).Trim('"'), StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_of_the_other_app_are_set_to_minus_one_which_the_listener_reads_as_off()
    {
        string text = Text(ListenerApp.Json);

        Assert.Contains("format('CloudMail__Ports__{0}', parameters('mailPorts')[copyIndex('portSettings')].option)", text, StringComparison.Ordinal);
        Assert.Contains("if(equals(parameters('mailPorts')[copyIndex('portSettings')].app, parameters('serviceName')), string(add(", text, StringComparison.Ordinal);
        Assert.Contains("'-1')", text, StringComparison.Ordinal);

        // EndpointListenerService skips an endpoint whose port is negative.
        string endpoints = RepoPaths.Read("listener", "CloudMail.Listener", "Network", "EndpointListenerService.cs");
        Assert.Contains("if (port < 0) continue;", endpoints, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_app_scales_on_its_own_tcp_rule_with_at_least_two_replicas()
    {
        JsonObject scale = (JsonObject)AppResource["properties"]!["template"]!["scale"]!;
        JsonObject tcp = (JsonObject)scale["rules"]!.AsArray().Single(r => (string?)r!["name"] == "tcp")!;
        Assert.Equal("[string(parameters('concurrentConnectionsPerReplica'))]", (string?)tcp["tcp"]!["metadata"]!["concurrentConnections"]);
        Assert.Equal("[parameters('minReplicas')]", (string?)scale["minReplicas"]);
        Assert.Equal(2, (int)ListenerApp.Parameters["minReplicas"]!["minValue"]!);

        Assert.All(ListenerAppsDeclared, a =>
        {
            Assert.True((int)a["minReplicas"]! >= 2, $"{a["serviceName"]} has fewer than 2 replicas");
            Assert.True((int)a["maxReplicas"]! >= (int)a["minReplicas"]!);
            Assert.True((int)a["concurrentConnections"]! > 0);
        });
    }

    [Fact]
    public void Each_app_keeps_its_startup_liveness_and_readiness_probes()
    {
        // The listener container is a variable placed first in the app's containers (an optional clamd sidecar follows).
        Assert.Equal("[concat(createArray(variables('listenerContainer')), variables('clamdSidecars'))]",
            (string?)AppResource["properties"]!["template"]!["containers"]);
        JsonArray probes = ListenerApp.Variables["listenerContainer"]!["probes"]!.AsArray();

        Assert.Equal(["Startup", "Liveness", "Readiness"], probes.Select(p => (string)p!["type"]!));
        Assert.Equal("[add(variables('appPorts')[0].port, variables('targetPortOffset'))]", (string?)probes[1]!["tcpSocket"]!["port"]);
        Assert.Equal("[variables('healthPort')]", (string?)probes[2]!["httpGet"]!["port"]);
        // Container Apps refuses a probe with failureThreshold outside 1-10 (Microsoft.App API: ContainerAppProbe).
        Assert.All(probes, p => Assert.InRange((int)p!["failureThreshold"]!, 1, 10));
    }

    [Fact]
    public void A_clamd_sidecar_is_off_by_default_and_only_the_smtp_app_gets_it_reached_on_loopback()
    {
        Assert.Equal("", (string?)infra.Main.Parameters["clamdImage"]!["defaultValue"]);
        Assert.Equal("[parameters('clamdImage')]", (string?)infra.Main.ModuleParameters("containerapps")["clamdImage"]!["value"]);
        Assert.Equal("", (string?)Apps.Parameters["clamdImage"]!["defaultValue"]);
        string passed = Text(Apps.ResourcesOfType("Microsoft.Resources/deployments").Single()["properties"]!["parameters"]!["clamdImage"]);
        Assert.Contains("equals(variables('listenerApps')[copyIndex()].serviceName, 'smtp')", passed, StringComparison.Ordinal);
        Assert.Contains("createObject('value', '')", passed, StringComparison.Ordinal);

        Assert.Equal("[not(empty(parameters('clamdImage')))]", (string?)ListenerApp.Variables["useClamd"]);
        string settings = (string)ListenerApp.Variables["antivirusSettings"]!;
        Assert.StartsWith("[if(variables('useClamd'), createArray(createObject('name', 'CloudMail__Antivirus__Clamd', 'value', format('tcp://127.0.0.1:{0}', variables('clamdPort'))))", settings, StringComparison.Ordinal);
        Assert.EndsWith("createArray())]", settings, StringComparison.Ordinal);
        Assert.Equal(3310, (int)ListenerApp.Variables["clamdPort"]!);
        Assert.Contains("variables('antivirusSettings')", Text(ListenerApp.Variables["listenerContainer"]!["env"]), StringComparison.Ordinal);
        string sidecars = (string)ListenerApp.Variables["clamdSidecars"]!;
        Assert.StartsWith("[if(variables('useClamd'), createArray(createObject('name', 'clamd', 'image', parameters('clamdImage')", sidecars, StringComparison.Ordinal);
        Assert.EndsWith("createArray())]", sidecars, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_is_on_the_VNet_and_zone_redundancy_is_a_parameter_off_by_default()
    {
        JsonObject environment = Apps.ResourcesOfType("Microsoft.App/managedEnvironments").Single();
        JsonObject properties = (JsonObject)environment["properties"]!;

        Assert.False((bool)properties["vnetConfiguration"]!["internal"]!);
        Assert.Contains("containerAppsSubnetId", Text(infra.Main.ModuleParameters("containerapps")["infrastructureSubnetId"]), StringComparison.Ordinal);
        Assert.Equal("[parameters('zoneRedundant')]", (string?)properties["zoneRedundant"]);
        Assert.False((bool)infra.Main.Parameters["zoneRedundant"]!["defaultValue"]!);
        Assert.False((bool)Apps.Resolve(properties["zoneRedundant"])!);
    }

    [Fact]
    public void Azure_yaml_deploys_both_apps_from_the_one_listener_Dockerfile()
    {
        string yaml = RepoPaths.Read("azure.yaml");

        foreach (string service in new[] { "smtp", "mailbox" })
        {
            Assert.Matches($@"(?m)^  {service}:\n    project: \./listener/CloudMail\.Listener\n    language: dotnet\n    host: containerapp\n    docker:\n      path: \./Dockerfile\n      context: \.\./\.\.$", yaml);
        }
        Assert.DoesNotMatch(@"(?m)^  listener:", yaml);
        // azd finds each app by its azd-service-name tag, which is the module's serviceName.
        Assert.Equal("[union(parameters('tags'), createObject('azd-service-name', parameters('serviceName')))]", (string?)AppResource["tags"]);
        Assert.Equal(["smtp", "mailbox"], ListenerApp.Parameters["serviceName"]!["allowedValues"]!.AsArray().Select(v => (string)v!));
        // Each service's image reaches its own app.
        JsonObject parameters = (JsonObject)JsonNode.Parse(RepoPaths.Read("infra", "main.parameters.json"))!["parameters"]!;
        Assert.Equal("${SERVICE_SMTP_IMAGE_NAME=}", (string?)parameters["smtpImageName"]!["value"]);
        Assert.Equal("${SERVICE_MAILBOX_IMAGE_NAME=}", (string?)parameters["mailboxImageName"]!["value"]);
    }

}
