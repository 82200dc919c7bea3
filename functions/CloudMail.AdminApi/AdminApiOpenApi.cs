using CloudMail.Core.Resources;

namespace CloudMail.AdminApi;

/// <summary>
/// The OpenAPI 3.1 description of the admin API: <c>openapi.json</c> beside this file, embedded in the assembly and served
/// byte for byte by both hosts at <see cref="AdminApiHttp.OpenApiPath"/>. It documents every route of the handler's table
/// (a test checks both ways), the security scheme and scopes, and every schema.
/// </summary>
public static class AdminApiOpenApi
{
    /// <summary>Name of the embedded resource (the project's <c>LogicalName</c> for <c>openapi.json</c>).</summary>
    public const string ResourceName = "CloudMail.AdminApi.openapi.json";

    /// <summary>The media type it is served with.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    private static readonly Lazy<byte[]> Bytes = new(() => EmbeddedResources.Read(typeof(AdminApiOpenApi).Assembly, ResourceName));

    /// <summary>The document as UTF-8 JSON, exactly as stored in <c>openapi.json</c> (a copy; callers may keep it).</summary>
    public static byte[] Document() => (byte[])Bytes.Value.Clone();
}
