using System.Text.Json;
using CloudMail.SendApi;

namespace CloudMail.Tests.Shared;

/// <summary>What the served OpenAPI document (<see cref="SendApiOpenApi"/>) describes, for checking a host's route table against it.</summary>
internal static class OpenApiRoutes
{
    /// <summary>Every documented operation as <c>"METHOD /path"</c> (<c>"GET /api/healthz"</c>), sorted ordinally.</summary>
    public static IReadOnlyList<string> Documented() =>
        JsonDocument.Parse(SendApiOpenApi.Document()).RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => operation.Name.ToUpperInvariant() + " " + path.Name))
            .Order(StringComparer.Ordinal).ToList();
}
