using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudMail.SendApi;

/// <summary>
/// Serialization of send API responses, shared by both hosts so the wire format cannot drift:
/// <see cref="Serialize(SendApiResult)"/> gives the body bytes and content type for a <see cref="SendApiResult"/>.
/// </summary>
public static class SendApiJson
{
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>The response body and its Content-Type.</summary>
    public static (byte[] Body, string ContentType) Serialize(SendApiResult result) => result switch
    {
        SendApiResult.Accepted a => (JsonSerializer.SerializeToUtf8Bytes(a.Response, SendApiJsonContext.Default.SubmitResponse), JsonContentType),
        SendApiResult.Status s => (JsonSerializer.SerializeToUtf8Bytes(s.Response, SendApiJsonContext.Default.MessageStatusResponse), JsonContentType),
        SendApiResult.Problem p => (Serialize(p.Details), ApiProblem.ContentType),
        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    };

    public static byte[] Serialize(ApiProblem problem) => JsonSerializer.SerializeToUtf8Bytes(problem, SendApiJsonContext.Default.ApiProblem);

    /// <summary>The <c>WWW-Authenticate</c> challenge a 401 carries (RFC 6750 §3).</summary>
    public const string BearerChallenge = "Bearer realm=\"cloudmail\"";
}

[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(SubmitResponse))]
[JsonSerializable(typeof(MessageStatusResponse))]
internal sealed partial class SendApiJsonContext : JsonSerializerContext;
