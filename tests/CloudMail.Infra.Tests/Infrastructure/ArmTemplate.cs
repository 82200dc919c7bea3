using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace CloudMail.Infra.Tests.Infrastructure;

/// <summary>
/// One template of the compiled deployment (main.json, or a module's nested template) with just enough of
/// ARM's expression language to read what it declares: <c>[variables('x')]</c> and <c>[parameters('x')]</c>
/// (module parameters resolve through the value the parent passes, then the default), and copy loops over a
/// variable. Anything else stays an expression string; tests then look at it as text.
/// </summary>
internal sealed partial class ArmTemplate
{
    private readonly JsonObject _template;
    private readonly ArmTemplate? _parent;
    private readonly JsonObject? _passedParameters;

    private ArmTemplate(string name, JsonObject template, ArmTemplate? parent, JsonObject? passedParameters)
    {
        Name = name;
        _template = template;
        _parent = parent;
        _passedParameters = passedParameters;
    }

    public static ArmTemplate Root(JsonObject template) => new("main", template, null, null);

    /// <summary>Deployment name ("main" for the root, the module's deployment name otherwise).</summary>
    public string Name { get; }

    public JsonObject Json => _template;

    public string Text => _template.ToJsonString();

    public JsonObject Variables => _template["variables"] as JsonObject ?? [];

    public JsonObject Parameters => _template["parameters"] as JsonObject ?? [];

    public JsonObject Outputs => _template["outputs"] as JsonObject ?? [];

    /// <summary>Resources of this template (not of nested ones), excluding <c>existing</c> references.</summary>
    public IEnumerable<JsonObject> Resources => AllResources.Where(r => r["existing"]?.GetValue<bool>() != true);

    /// <summary>Resources including <c>existing</c> references.</summary>
    public IEnumerable<JsonObject> AllResources => _template["resources"] switch
    {
        JsonArray a => a.OfType<JsonObject>(),
        JsonObject o => o.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    /// <summary>
    /// The resource declared under <paramref name="symbolicName"/> (templates with symbolic names, languageVersion 2.0,
    /// keep the Bicep resource names as keys).
    /// </summary>
    public JsonObject Resource(string symbolicName) =>
        _template["resources"] is JsonObject o && o[symbolicName] is JsonObject r
            ? r
            : throw new InvalidOperationException($"{Name}: no resource with the symbolic name '{symbolicName}'");

    public IEnumerable<JsonObject> ResourcesOfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>This template and every nested module template, depth first.</summary>
    public IEnumerable<ArmTemplate> SelfAndModules()
    {
        yield return this;
        foreach (JsonObject deployment in ResourcesOfType("Microsoft.Resources/deployments"))
        {
            if (deployment["properties"]?["template"] is not JsonObject nested) continue;
            var module = new ArmTemplate((string)deployment["name"]!, nested, this, deployment["properties"]?["parameters"] as JsonObject);
            foreach (ArmTemplate t in module.SelfAndModules()) yield return t;
        }
    }

    /// <summary>The <c>Microsoft.Resources/deployments</c> resource of module <paramref name="name"/> in this template.</summary>
    public JsonObject ModuleDeployment(string name) =>
        ResourcesOfType("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == name);

    /// <summary>The parameters this template passes to module <paramref name="name"/> (each <c>{ "value": ... }</c>).</summary>
    public JsonObject ModuleParameters(string name) => (JsonObject)ModuleDeployment(name)["properties"]!["parameters"]!;

    /// <summary>JSON text of <paramref name="node"/> with the quotes of ARM expressions readable (<c>'</c>, not <c>\u0027</c>).</summary>
    public static string TextOf(JsonNode? node) => node!.ToJsonString().Replace("\\u0027", "'", StringComparison.Ordinal);

    public ArmTemplate Module(string name) =>
        SelfAndModules().SingleOrDefault(t => t.Name == name) ?? throw new InvalidOperationException($"no module deployment named '{name}'");

    /// <summary>Resolves variable and parameter references, recursively, in a copy of <paramref name="node"/>.</summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue v when v.TryGetValue(out string? s):
                Match variable = VariableReference().Match(s);
                if (variable.Success)
                {
                    return Variables.TryGetPropertyValue(variable.Groups[1].Value, out JsonNode? value)
                        ? Resolve(value)
                        : throw new InvalidOperationException($"{Name}: no variable '{variable.Groups[1].Value}'");
                }
                Match parameter = ParameterReference().Match(s);
                return parameter.Success ? ResolveParameter(parameter.Groups[1].Value) : v.DeepClone();
            case JsonArray a:
                return new JsonArray(a.Select(Resolve).ToArray());
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o) copy[key] = Resolve(value);
                return copy;
            default:
                return node?.DeepClone();
        }
    }

    private JsonNode? ResolveParameter(string name)
    {
        if (_passedParameters?[name] is JsonObject passed && passed.TryGetPropertyValue("value", out JsonNode? value))
            return _parent!.Resolve(value);
        if (Parameters[name] is JsonObject declared && declared.TryGetPropertyValue("defaultValue", out JsonNode? defaultValue))
            return Resolve(defaultValue);
        return JsonValue.Create($"[parameters('{name}')]");
    }

    /// <summary>
    /// The last name segment of every resource of <paramref name="type"/> this template declares: literal
    /// names, names from variables or parameters, and every element of a copy loop over a variable.
    /// </summary>
    public IEnumerable<string> DeclaredNames(string type) => ResourcesOfType(type).SelectMany(NamesOf);

    /// <summary>The last name segment of one resource of this template; every element for a copy loop.</summary>
    public IEnumerable<string> NamesOf(JsonObject resource)
    {
        string name = (string)resource["name"]!;
        if (resource["copy"] is JsonObject copy)
        {
            Match loop = LengthOfVariable().Match((string)copy["count"]!);
            if (!loop.Success) throw new InvalidOperationException($"{Name}: copy loop over an expression the tests cannot read: {copy["count"]}");
            return ((JsonArray)Resolve(JsonValue.Create($"[variables('{loop.Groups[1].Value}')]"))!).Select(e => (string)e!).ToList();
        }
        if (!name.StartsWith('[')) return [name[(name.LastIndexOf('/') + 1)..]];

        Match last = LastFormatArgument().Match(name);
        if (!last.Success) throw new InvalidOperationException($"{Name}: a resource name the tests cannot read: {name}");
        return
        [
            last.Groups["literal"].Success
                ? last.Groups["literal"].Value
                : (string)Resolve(JsonValue.Create($"[{last.Groups["reference"].Value}]"))!,
        ];
    }

    /// <summary>
    /// Every (name, value) pair of an app setting or environment variable this template can produce:
    /// JSON objects with "name" and "value", and <c>createObject('name', 'X', 'value', ...)</c> inside
    /// conditional expressions (whose values are reported as "(expression)").
    /// </summary>
    public IReadOnlyDictionary<string, string> NameValuePairs()
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(_template);
        return pairs;

        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o.Count == 2 && o["name"] is JsonValue n && n.TryGetValue(out string? name) && o.ContainsKey("value"))
                        pairs[name] = Resolve(o["value"]) is JsonValue rv && rv.TryGetValue(out string? s) ? s : o["value"]?.ToJsonString() ?? "";
                    foreach (var (_, value) in o) Walk(value);
                    break;
                case JsonArray a:
                    foreach (JsonNode? item in a) Walk(item);
                    break;
                case JsonValue v when v.TryGetValue(out string? text):
                    foreach (Match m in CreateObjectName().Matches(text)) pairs.TryAdd(m.Groups[1].Value, "(expression)");
                    break;
            }
        }
    }

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[length\(variables\('([^']+)'\)\)\]$")]
    private static partial Regex LengthOfVariable();

    [GeneratedRegex(@",\s*(?:'(?<literal>[^']*)'|(?<reference>(?:variables|parameters)\('[^']+'\)))\)\]$")]
    private static partial Regex LastFormatArgument();

    [GeneratedRegex(@"createObject\('name', '([^']+)', 'value'")]
    private static partial Regex CreateObjectName();
}
