using System.Text.Json;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using CloudMail.SendApi;
using CloudMail.Storage.Azure;

namespace CloudMail.Functions.Tests;

/// <summary>
/// What the Functions host will read: the functions.metadata the Worker SDK generated at build time, binding by binding,
/// and that the names in it (queues, the Service Bus connection setting) are the ones <c>infra/</c> declares.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<JsonElement> Metadata = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.FunctionsMetadata())).RootElement.Clone());

    private static JsonElement Function(string name) =>
        Assert.Single(Metadata.Value.EnumerateArray(), f => f.GetProperty("name").GetString() == name);

    private static JsonElement Trigger(string function) =>
        Assert.Single(Function(function).GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    private static string Text(JsonElement binding, string property) => binding.GetProperty(property).ToString();

    [Fact]
    public void The_metadata_lists_exactly_the_apps_functions()
    {
        var names = Metadata.Value.EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order().ToList();

        Assert.Equal(["AdminApi", DmarcReportTimerFunction.Name, EventsFunction.Name, "GetMessageStatus", "Health", InboundFunction.Name, MessageReclaimTimerFunction.Name, "OpenApiDocument", OutboundFunction.Name,
            RetentionTimerFunction.Name, "SendMessage", StuckIntakeTimerFunction.Name, StuckOutboundTimerFunction.Name, TlsReportTimerFunction.Name], names);
        Assert.All(Metadata.Value.EnumerateArray(), f => Assert.Equal("CloudMail.Functions.dll", f.GetProperty("scriptFile").GetString()));
    }

    [Theory]
    [InlineData(InboundFunction.Name, QueueNames.Inbound, "Many")] // batched receive: routing shares the batch's lookups
    [InlineData(OutboundFunction.Name, QueueNames.Outbound, "One")] // one SMTP delivery per invocation
    [InlineData(EventsFunction.Name, QueueNames.Events, "One")] // one webhook POST per invocation
    public void Queue_functions_are_service_bus_triggers_settling_each_message_themselves(string function, string queue, string cardinality)
    {
        var trigger = Trigger(function);

        Assert.Equal("serviceBusTrigger", Text(trigger, "type"));
        Assert.Equal("In", Text(trigger, "direction"));
        Assert.Equal(queue, Text(trigger, "queueName"));
        Assert.Equal(AzureResourceNames.ServiceBusConnection.Name, Text(trigger, "connection"));
        Assert.Equal(cardinality, Text(trigger, "cardinality"));
        Assert.Equal("False", Text(trigger, "autoCompleteMessages"), ignoreCase: true);
        Assert.Single(Function(function).GetProperty("bindings").EnumerateArray());
    }

    [Fact]
    public void The_TLS_report_job_is_an_hourly_timer()
    {
        var trigger = Trigger(TlsReportTimerFunction.Name);

        Assert.Equal("timerTrigger", Text(trigger, "type"));
        Assert.Equal(TlsReportTimerFunction.Schedule, Text(trigger, "schedule"));
        Assert.Equal("0 10 * * * *", TlsReportTimerFunction.Schedule);
    }

    [Fact]
    public void The_DMARC_report_job_is_an_hourly_timer()
    {
        var trigger = Trigger(DmarcReportTimerFunction.Name);

        Assert.Equal("timerTrigger", Text(trigger, "type"));
        Assert.Equal("0 20 * * * *", Text(trigger, "schedule"));
    }

    [Fact]
    public void The_stuck_intake_sweep_is_a_five_minute_timer()
    {
        var trigger = Trigger(StuckIntakeTimerFunction.Name);

        Assert.Equal("timerTrigger", Text(trigger, "type"));
        Assert.Equal("0 */5 * * * *", Text(trigger, "schedule"));
    }

    [Fact]
    public void The_stuck_outbound_sweep_is_a_five_minute_timer()
    {
        var trigger = Trigger(StuckOutboundTimerFunction.Name);

        Assert.Equal("timerTrigger", Text(trigger, "type"));
        Assert.Equal("15 */5 * * * *", Text(trigger, "schedule"));
    }

    [Fact]
    public void Reclaiming_expunged_messages_is_a_five_minute_timer()
    {
        var trigger = Trigger(MessageReclaimTimerFunction.Name);

        Assert.Equal("timerTrigger", Text(trigger, "type"));
        Assert.Equal("30 */5 * * * *", Text(trigger, "schedule"));
    }

    [Fact]
    public void Retention_is_a_daily_timer()
    {
        var trigger = Trigger(RetentionTimerFunction.Name);

        Assert.Equal("timerTrigger", Text(trigger, "type"));
        Assert.Equal("0 40 3 * * *", Text(trigger, "schedule"));
    }

    [Theory]
    [InlineData("SendMessage", "post", SendApiFunctions.MessagesRoute)]
    [InlineData("GetMessageStatus", "get", SendApiFunctions.StatusRoute)]
    [InlineData("OpenApiDocument", "get", SendApiFunctions.OpenApiRoute)]
    [InlineData("Health", "get", SendApiFunctions.HealthRoute)]
    public void Http_functions_are_anonymous_triggers_on_the_send_api_routes(string function, string method, string route)
    {
        var trigger = Trigger(function);

        Assert.Equal("httpTrigger", Text(trigger, "type"));
        Assert.Equal(route, Text(trigger, "route"));
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Anonymous", Text(trigger, "authLevel"));
        Assert.Contains(Function(function).GetProperty("bindings").EnumerateArray(), b => Text(b, "type") == "http" && Text(b, "direction") == "Out");
    }

    [Fact]
    public void Routes_under_the_host_prefix_are_the_send_api_paths_of_both_hosts()
    {
        var host = JsonDocument.Parse(File.ReadAllText(RepoPaths.File("functions", "CloudMail.Functions", "host.json"))).RootElement;
        string prefix = host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!;

        Assert.Equal(SendApiFunctions.RoutePrefix, prefix);
        Assert.Equal(SendApiHttp.MessagesPath, "/" + prefix + "/" + Text(Trigger("SendMessage"), "route"));
        Assert.Equal(SendApiHttp.StatusPath, "/" + prefix + "/" + Text(Trigger("GetMessageStatus"), "route"));
        Assert.Equal(SendApiHttp.OpenApiPath, "/" + prefix + "/" + Text(Trigger("OpenApiDocument"), "route"));
        Assert.Equal(SendApiHttp.HealthPath, "/" + prefix + "/" + Text(Trigger("Health"), "route"));
        Assert.Equal(CloudMail.AdminApi.AdminApiHttp.BasePath + "/{*path}", "/" + prefix + "/" + Text(Trigger("AdminApi"), "route"));
        Assert.False(host.GetProperty("extensions").GetProperty("serviceBus").GetProperty("autoCompleteMessages").GetBoolean());
        // The Bicep's API base URL is https://<app>/api: the prefix must stay "api".
        Assert.Contains("'https://${functionApp.properties.defaultHostName}/" + prefix + "'", File.ReadAllText(RepoPaths.File("infra", "modules", "functionapp.bicep")));
    }

    [Fact]
    public void The_admin_api_is_one_anonymous_http_function_for_every_method_under_its_base_path()
    {
        var trigger = Trigger("AdminApi");

        Assert.Equal("httpTrigger", Text(trigger, "type"));
        Assert.Equal("Anonymous", Text(trigger, "authLevel"));
        Assert.Equal(AdminApiFunction.Route, Text(trigger, "route"));
        Assert.Equal(["delete", "get", "patch", "post", "put"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()).Order());
    }

    [Fact]
    public void The_openapi_document_documents_every_http_function_and_nothing_else()
    {
        // The admin API's one catch-all function is checked above; its own document is checked against its route table.
        var mapped = Metadata.Value.EnumerateArray()
            .Where(f => f.GetProperty("name").GetString() != "AdminApi")
            .Select(f => f.GetProperty("bindings").EnumerateArray().SingleOrDefault(b => Text(b, "type") == "httpTrigger"))
            .Where(trigger => trigger.ValueKind == JsonValueKind.Object)
            .SelectMany(trigger => trigger.GetProperty("methods").EnumerateArray()
                .Select(method => method.GetString()!.ToUpperInvariant() + " /" + SendApiFunctions.RoutePrefix + "/" + Text(trigger, "route")));

        Assert.Equal(OpenApiRoutes.Documented(), mapped.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_bound_queue_and_the_connection_setting_are_declared_in_infra()
    {
        string names = File.ReadAllText(RepoPaths.File("infra", "modules", "names.bicep"));
        string serviceBus = File.ReadAllText(RepoPaths.File("infra", "modules", "servicebus.bicep"));
        string functionApp = File.ReadAllText(RepoPaths.File("infra", "modules", "functionapp.bicep"));
        var bound = new[] { InboundFunction.Name, OutboundFunction.Name, EventsFunction.Name }.Select(f => Text(Trigger(f), "queueName")).ToList();

        foreach (string queue in bound)
            Assert.Matches($@"var \w+QueueName = '{queue}'", names);
        Assert.Contains("for queueName in queueNames", serviceBus);

        // The trigger's connection is identity-based in Azure: <Connection>__fullyQualifiedNamespace (+ __credential).
        string connection = Text(Trigger(InboundFunction.Name), "connection");
        Assert.Contains($"name: '{connection}__fullyQualifiedNamespace'", functionApp);
        Assert.Contains($"name: '{connection}__credential', value: 'managedidentity'", functionApp);
        Assert.Equal(AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace, connection + "__fullyQualifiedNamespace");
    }
}
