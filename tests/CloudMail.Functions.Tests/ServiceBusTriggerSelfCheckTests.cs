using System.Net;
using CloudMail.Tests.Shared;
using CloudMail.Functions.Health;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The start-up check that every Service Bus trigger can be bound: on this app as built (the official package, or the
/// stand-in this machine builds with), on crafted inputs, in the log at start and on the health endpoint.
/// </summary>
public sealed class ServiceBusTriggerSelfCheckTests
{
    private const string Official = ServiceBusTriggerBindings.OfficialAssembly;

    private const string Metadata = """
        [{"name":"Inbound","bindings":[{"type":"serviceBusTrigger","queueName":"inbound"}]},
         {"name":"Outbound","bindings":[{"type":"serviceBusTrigger","queueName":"outbound"}]},
         {"name":"Health","bindings":[{"type":"httpTrigger"},{"type":"http"}]}]
        """;

    private const string Extensions = """
        {"extensions":[{"name":"ServiceBus","typeName":"Microsoft.Azure.WebJobs.ServiceBus.ServiceBusWebJobsStartup, Microsoft.Azure.WebJobs.Extensions.ServiceBus, Version=5.16.0.0"}]}
        """;

    private static readonly string OutputDirectory = Path.GetDirectoryName(RepoPaths.FunctionsMetadata())!;

    [Fact]
    public void The_apps_three_queue_triggers_are_found_with_the_assembly_of_their_attribute()
    {
        var triggers = ServiceBusTriggerBindings.TriggersOf(typeof(InboundFunction).Assembly);

        Assert.Equal([EventsFunction.Name, InboundFunction.Name, OutboundFunction.Name], triggers.Select(t => t.Function).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void This_build_is_reported_unbound_exactly_when_it_carries_the_stand_in()
    {
        var triggers = ServiceBusTriggerBindings.TriggersOf(typeof(InboundFunction).Assembly);
        var problems = new ServiceBusTriggerBindings(typeof(InboundFunction).Assembly, OutputDirectory).Problems;

        if (triggers.All(t => t.AttributeAssembly == Official))
        {
            Assert.Empty(problems);
            return;
        }
        // The stand-in: the attribute is CloudMail.Functions' own and no host extension is generated.
        Assert.Contains(problems, p => p.StartsWith("function Inbound: its Service Bus trigger attribute comes from CloudMail.Functions", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("function Outbound: its Service Bus trigger attribute comes from CloudMail.Functions", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("extensions.json lists no Service Bus extension", StringComparison.Ordinal));
    }

    [Fact]
    public void Official_attributes_declared_metadata_and_the_host_extension_are_healthy()
    {
        Assert.Empty(ServiceBusTriggerBindings.Check([("Inbound", Official), ("Outbound", Official)], Metadata, Extensions));
    }

    [Fact]
    public void A_trigger_missing_from_the_metadata_is_named()
    {
        string problem = Assert.Single(ServiceBusTriggerBindings.Check([("Inbound", Official), ("Sideways", Official)], Metadata, Extensions));

        Assert.Equal("function Sideways: functions.metadata declares no serviceBusTrigger binding for it", problem);
    }

    [Theory]
    [InlineData(null, Extensions, "functions.metadata is missing")]
    [InlineData("{not json", Extensions, "functions.metadata is missing or unreadable")]
    [InlineData(Metadata, null, "extensions.json lists no Service Bus extension")]
    [InlineData(Metadata, """{"extensions":[{"name":"Startup","typeName":"Microsoft.Azure.WebJobs.Extensions.FunctionMetadataLoader.Startup"}]}""", "extensions.json lists no")]
    public void Missing_or_unreadable_files_are_problems_never_exceptions(string? metadata, string? extensions, string expected)
    {
        string problem = Assert.Single(ServiceBusTriggerBindings.Check([("Inbound", Official)], metadata, extensions));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_start_every_problem_is_logged_as_an_error()
    {
        var bindings = new ServiceBusTriggerBindings(typeof(InboundFunction).Assembly, EmptyFolder());
        var logger = new CapturingLogger<ServiceBusTriggerSelfCheck>();

        await new ServiceBusTriggerSelfCheck(bindings, logger).StartAsync(CancellationToken.None);

        Assert.NotEmpty(bindings.Problems);
        Assert.Equal(bindings.Problems.Count, logger.Entries.Count(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error));
        Assert.Contains(logger.Entries, e => e.Message.Contains("functions.metadata is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_health_endpoint_answers_503_with_the_problems_while_a_trigger_is_unbound()
    {
        await using var h = await FunctionsHarness.StartAsync(configure: s =>
            s.AddSingleton(new ServiceBusTriggerBindings(typeof(InboundFunction).Assembly, EmptyFolder())));

        var response = (TestHttpResponse)await h.Get<SendApiFunctions>().HealthAsync(TestHttpRequest.Get(CloudMail.SendApi.SendApiHttp.HealthPath), CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.StartsWith("unhealthy\n", response.Text, StringComparison.Ordinal);
        Assert.Contains("functions.metadata is missing", response.Text, StringComparison.Ordinal);
    }

    private static string EmptyFolder() => Directory.CreateTempSubdirectory("cloudmail-no-metadata-").FullName;
}
