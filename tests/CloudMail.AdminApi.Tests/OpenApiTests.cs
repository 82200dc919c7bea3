using System.Net;
using System.Text.Json;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.AdminApi.Tests;

/// <summary>The OpenAPI document: served without a key at its path, byte for byte the stored file, and in step with the route table.</summary>
[Collection(AdminApiServerCollection.Name)]
public sealed class OpenApiTests(AdminApiServerFixture api)
{
    private static JsonElement Root => JsonDocument.Parse(AdminApiOpenApi.Document()).RootElement;

    [Fact]
    public async Task The_document_is_served_without_a_key_as_stored()
    {
        var response = await api.Http.GetAsync(AdminApiHttp.OpenApiPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllBytes(Path.Combine(RepositoryRoot(), "functions", "CloudMail.AdminApi", "openapi.json")), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("3.1.0", Root.GetProperty("openapi").GetString());
    }

    [Fact]
    public void The_document_documents_every_route_of_the_handler_and_no_other()
    {
        var documented = Root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => operation.Name.ToUpperInvariant() + " " + path.Name))
            .Order(StringComparer.Ordinal);
        var routes = api.Server.Get<AdminApiHandler>().Routes.Select(r => r.Method + " " + AdminApiHttp.BasePath + "/" + r.Template)
            .Append("GET " + AdminApiHttp.OpenApiPath).Order(StringComparer.Ordinal);

        Assert.Equal(routes, documented);
    }

    [Fact]
    public void Every_operation_has_a_unique_id_and_every_reference_resolves()
    {
        var root = Root;
        var ids = root.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).Select(o => o.Value.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (string reference in References(root))
        {
            var target = root;
            foreach (string segment in reference[2..].Split('/'))
                Assert.True(target.TryGetProperty(segment, out target), reference);
        }
    }

    private static IEnumerable<string> References(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "$ref" ? [p.Value.GetString()!] : References(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(References),
        _ => [],
    };

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CloudMail.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CloudMail.sln not found above " + AppContext.BaseDirectory);
    }
}
