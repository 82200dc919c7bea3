using System.Text.Json;

namespace CloudMail.SendApi.Tests;

/// <summary>
/// <see cref="SendApiOpenApi"/>: the embedded <c>openapi.json</c> is valid JSON, is served as stored, and documents exactly
/// the routes of <see cref="SendApiHttp"/> that both hosts map (each host's tests check its own route table against it).
/// </summary>
public sealed class SendApiOpenApiTests
{
    /// <summary>Every (method, path) both hosts map, from <see cref="SendApiHttp"/>.</summary>
    public static readonly string[] Routes =
    [
        "POST " + SendApiHttp.MessagesPath,
        "GET " + SendApiHttp.StatusPath,
        "GET " + SendApiHttp.OpenApiPath,
        "GET " + SendApiHttp.HealthPath,
    ];

    private static JsonElement Root => JsonDocument.Parse(SendApiOpenApi.Document()).RootElement;

    [Fact]
    public void The_document_parses_as_openapi_3_1_json()
    {
        var root = Root;

        Assert.Equal("3.1.0", root.GetProperty("openapi").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("info").GetProperty("title").GetString()));
    }

    [Fact]
    public void The_document_documents_every_route_the_hosts_map_and_no_other() =>
        Assert.Equal(Routes.Order(StringComparer.Ordinal), OpenApiRoutes.Documented());

    [Fact]
    public void Every_operation_has_an_id_and_every_reference_resolves()
    {
        var root = Root;
        var operations = root.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()).ToList();
        var ids = operations.Select(operation => operation.Value.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        foreach (string reference in References(root))
        {
            Assert.StartsWith("#/", reference);
            var target = root;
            foreach (string segment in reference[2..].Split('/'))
                Assert.True(target.TryGetProperty(segment.Replace("~1", "/").Replace("~0", "~"), out target), reference);
        }
    }

    [Fact]
    public void The_served_bytes_are_the_stored_file()
    {
        string file = Path.Combine(RepositoryRoot(), "functions", "CloudMail.SendApi", "openapi.json");

        Assert.Equal(File.ReadAllBytes(file), SendApiOpenApi.Document());
    }

    private static IEnumerable<string> References(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name == "$ref" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : References(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(References),
        _ => [],
    };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CloudMail.sln"))) return dir.FullName;
        throw new InvalidOperationException("CloudMail.sln not found above " + AppContext.BaseDirectory);
    }
}
