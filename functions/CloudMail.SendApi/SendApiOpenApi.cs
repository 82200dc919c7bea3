using CloudMail.Core.Resources;

namespace CloudMail.SendApi;

/// <summary>
/// The OpenAPI 3.1 description of the send API: <c>openapi.json</c> beside this file, embedded in the assembly and served
/// byte for byte by both hosts at <see cref="SendApiHttp.OpenApiPath"/>, so the contract is written once. It documents
/// every route the hosts map (<see cref="SendApiHttp"/>), the security schemes and every schema. Hand-written so that it
/// states the contract (limits, idempotency, problem details) in words as well as schemas.
/// </summary>
public static class SendApiOpenApi
{
    /// <summary>Name of the embedded resource (the project's <c>LogicalName</c> for <c>openapi.json</c>).</summary>
    public const string ResourceName = "CloudMail.SendApi.openapi.json";

    /// <summary>The media type it is served with.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    private static readonly Lazy<byte[]> Bytes = new(() => EmbeddedResources.Read(typeof(SendApiOpenApi).Assembly, ResourceName));

    /// <summary>The document as UTF-8 JSON, exactly as stored in <c>openapi.json</c> (a copy; callers may keep it).</summary>
    public static byte[] Document() => (byte[])Bytes.Value.Clone();
}
