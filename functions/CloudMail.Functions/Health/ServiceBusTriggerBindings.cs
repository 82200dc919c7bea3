using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Health;

/// <summary>
/// Whether every Service Bus trigger of this app can be bound by the Functions host. The host binds a
/// <c>serviceBusTrigger</c> only through the official extension: the worker's trigger attribute must come from
/// <see cref="OfficialAssembly"/> (which makes the Worker SDK add the host-side extension, listed in
/// <c>extensions.json</c>), and the generated <c>functions.metadata</c> must declare the binding. The stand-in build
/// (<c>-p:UseOfficialServiceBusExtension=false</c>, see ServiceBusStandIn/) passes the metadata check but declares its own
/// attribute and ships no host extension: deployed, its triggers are never indexed and accepted mail is never routed.
/// <see cref="Problems"/> is empty when all is well; computed once, from the loaded app and the files beside it.
/// </summary>
public sealed class ServiceBusTriggerBindings
{
    /// <summary>The assembly of the official Service Bus trigger attribute.</summary>
    public const string OfficialAssembly = "Microsoft.Azure.Functions.Worker.Extensions.ServiceBus";

    private const string TriggerAttributeName = "ServiceBusTriggerAttribute";

    private readonly Lazy<IReadOnlyList<string>> _problems;

    /// <summary>Checks the functions of <paramref name="app"/> against the files in <paramref name="outputDirectory"/>.</summary>
    public ServiceBusTriggerBindings(Assembly app, string outputDirectory) =>
        _problems = new(() => Check(TriggersOf(app), Read(Path.Combine(outputDirectory, "functions.metadata")),
            Read(Path.Combine(outputDirectory, "extensions.json"))));

    /// <summary>What keeps a Service Bus trigger from being bound, one line each; empty when every trigger can be bound.</summary>
    public IReadOnlyList<string> Problems => _problems.Value;

    /// <summary>
    /// The check itself, pure: <paramref name="triggers"/> are the app's Service Bus triggered functions with the
    /// assembly their trigger attribute comes from; <paramref name="metadataJson"/> is functions.metadata and
    /// <paramref name="extensionsJson"/> extensions.json (null when the file is missing). Never throws for any input.
    /// </summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<(string Function, string AttributeAssembly)> triggers, string? metadataJson, string? extensionsJson)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        var problems = new List<string>();
        if (triggers.Count == 0) return problems;
        foreach ((string function, string assembly) in triggers.Where(t => t.AttributeAssembly != OfficialAssembly))
            problems.Add($"function {function}: its Service Bus trigger attribute comes from {assembly}, not {OfficialAssembly} (a stand-in build); the host cannot bind it");
        HashSet<string>? declared = DeclaredServiceBusTriggers(metadataJson);
        if (declared is null) problems.Add("functions.metadata is missing or unreadable: the host cannot index the functions");
        else
        {
            foreach ((string function, _) in triggers.Where(t => !declared.Contains(t.Function)))
                problems.Add($"function {function}: functions.metadata declares no serviceBusTrigger binding for it");
        }
        if (!ListsServiceBusExtension(extensionsJson))
            problems.Add("extensions.json lists no Service Bus extension: the host has nothing to bind serviceBusTrigger with");
        return problems;
    }

    /// <summary>Every method with [Function] and a parameter with a ServiceBusTrigger attribute, with that attribute's assembly name.</summary>
    public static IReadOnlyList<(string Function, string AttributeAssembly)> TriggersOf(Assembly app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return [.. from type in app.GetTypes()
                   from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                   let function = method.GetCustomAttribute<FunctionAttribute>()
                   where function is not null
                   from parameter in method.GetParameters()
                   from attribute in parameter.GetCustomAttributes()
                   where attribute.GetType().Name == TriggerAttributeName
                   select (function.Name, attribute.GetType().Assembly.GetName().Name ?? "")];
    }

    private static HashSet<string>? DeclaredServiceBusTriggers(string? metadataJson)
    {
        if (metadataJson is null) return null;
        try
        {
            using var document = JsonDocument.Parse(metadataJson);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonElement function in document.RootElement.EnumerateArray())
            {
                if (!function.TryGetProperty("bindings", out JsonElement bindings) || bindings.ValueKind != JsonValueKind.Array) continue;
                if (bindings.EnumerateArray().Any(b => b.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String
                        && string.Equals(t.GetString(), "serviceBusTrigger", StringComparison.OrdinalIgnoreCase))
                    && function.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String)
                    names.Add(name.GetString()!);
            }
            return names;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>True when extensions.json has an entry for the host's Service Bus extension (Microsoft.Azure.WebJobs.Extensions.ServiceBus).</summary>
    private static bool ListsServiceBusExtension(string? extensionsJson)
    {
        if (extensionsJson is null) return false;
        try
        {
            using var document = JsonDocument.Parse(extensionsJson);
            return document.RootElement.TryGetProperty("extensions", out JsonElement extensions) && extensions.ValueKind == JsonValueKind.Array
                && extensions.EnumerateArray().Any(e => e.TryGetProperty("typeName", out JsonElement t) && t.ValueKind == JsonValueKind.String
                    && t.GetString()!.Contains("Microsoft.Azure.WebJobs.Extensions.ServiceBus", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
