using System.Text.Json.Serialization;

namespace CloudMail.SendApi;

/// <summary>
/// An RFC 7807 problem details body (<c>application/problem+json</c>). <see cref="Errors"/> is an extension
/// member mapping a field path (<c>to[1]</c>, <c>attachments[0].contentBase64</c>, <c>headers.X-Tag</c>) to
/// what is wrong with it. <see cref="Detail"/> is meant for the developer reading it: it says what to fix.
/// </summary>
public sealed record ApiProblem(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("errors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>When set, the response carries <c>Retry-After</c> with this many whole seconds (rounded up); not in the body.</summary>
    [JsonIgnore]
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>When set (405), the response carries <c>Allow</c> with this value; not in the body.</summary>
    [JsonIgnore]
    public string? Allow { get; init; }

    /// <summary>The media type of a serialized problem (RFC 7807 §3).</summary>
    public const string ContentType = "application/problem+json";

    private const string TypePrefix = "urn:cloudmail:problem:";

    /// <summary>400: the body is not JSON of the documented shape, or not a MIME message.</summary>
    public static ApiProblem Malformed(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(TypePrefix + "malformed-request", "Malformed request", 400, detail, errors);

    /// <summary>401: no key, an unknown key or a revoked key. The detail never echoes the key.</summary>
    public static ApiProblem Unauthorized(string detail) =>
        new(TypePrefix + "unauthorized", "Missing or invalid API key", 401, detail);

    /// <summary>403: the key is valid but may not do this (sender outside its domain).</summary>
    public static ApiProblem Forbidden(string detail) =>
        new(TypePrefix + "forbidden", "Not allowed for this API key", 403, detail);

    /// <summary>404: unknown message id, or one that does not belong to the key's domain.</summary>
    public static ApiProblem NotFound(string detail) =>
        new(TypePrefix + "not-found", "Not found", 404, detail);

    /// <summary>
    /// 405: the path is a route of the API but not for this method (RFC 9110 §15.5.6); the response's <c>Allow</c> header
    /// lists <paramref name="allow"/>.
    /// </summary>
    public static ApiProblem MethodNotAllowed(string detail, string allow) =>
        new(TypePrefix + "method-not-allowed", "Method not allowed", 405, detail) { Allow = allow };

    /// <summary>413: the request or the resulting message is larger than allowed.</summary>
    public static ApiProblem TooLarge(string detail) =>
        new(TypePrefix + "too-large", "Message too large", 413, detail);

    /// <summary>415: a Content-Type the endpoint does not take.</summary>
    public static ApiProblem UnsupportedMediaType(string detail) =>
        new(TypePrefix + "unsupported-media-type", "Unsupported media type", 415, detail);

    /// <summary>422: well-formed, but the values cannot make a valid message.</summary>
    public static ApiProblem Invalid(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(TypePrefix + "invalid-message", "Invalid message", 422, detail, errors);

    /// <summary>
    /// 422: the Idempotency-Key was used before with a different request (draft-ietf-httpapi-idempotency-key-header §2.7);
    /// nothing was accepted.
    /// </summary>
    public static ApiProblem IdempotencyKeyReused(string detail) =>
        new(TypePrefix + "idempotency-key-reused", "Idempotency-Key reused with a different request", 422, detail);

    /// <summary>429: this API key has too many bytes of requests in flight (RFC 6585 §4); retry after <paramref name="retryAfter"/>.</summary>
    public static ApiProblem TooManyRequests(string detail, TimeSpan retryAfter) =>
        new(TypePrefix + "too-many-requests", "Too many requests in flight", 429, detail) { RetryAfter = retryAfter };

    /// <summary>503: the server receives as many request bytes as it allows; retry after <paramref name="retryAfter"/>.</summary>
    public static ApiProblem Busy(string detail, TimeSpan retryAfter) =>
        new(TypePrefix + "busy", "Server busy", 503, detail) { RetryAfter = retryAfter };

    /// <summary>503: storage is unavailable; nothing was accepted and the client may retry.</summary>
    public static ApiProblem Unavailable(string detail) =>
        new(TypePrefix + "unavailable", "Service unavailable", 503, detail);
}
