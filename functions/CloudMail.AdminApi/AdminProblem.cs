using System.Text.Json.Serialization;

namespace CloudMail.AdminApi;

/// <summary>
/// An RFC 7807 problem details object, the body of every admin API error (<c>application/problem+json</c>). <c>type</c> is a
/// stable URN per kind of error (the same namespace as the send API's); <c>detail</c> says what to fix; <c>errors</c>, when
/// present, maps request fields to what is wrong with them.
/// </summary>
public sealed record AdminProblem(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("errors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>The media type of a serialized problem (RFC 7807 §3).</summary>
    public const string ContentType = "application/problem+json";

    private const string TypePrefix = "urn:cloudmail:problem:";

    /// <summary>The <c>WWW-Authenticate</c> value sent with the problem (401, 403); not in the body.</summary>
    [JsonIgnore]
    public string? Challenge { get; init; }

    /// <summary>The <c>Allow</c> value sent with a 405; not in the body.</summary>
    [JsonIgnore]
    public string? Allow { get; init; }

    /// <summary>400: the body is not a JSON object of the documented shape, or a query parameter is malformed.</summary>
    public static AdminProblem Malformed(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(TypePrefix + "malformed-request", "Malformed request", 400, detail, errors);

    /// <summary>
    /// 401 (RFC 6750 §3): no key (challenge without an error code), or an unknown, revoked or mistyped key
    /// (<c>error="invalid_token"</c>). The detail never echoes the key.
    /// </summary>
    public static AdminProblem Unauthorized(string detail, bool keyPresented) =>
        new(TypePrefix + "unauthorized", "Missing or invalid admin API key", 401, detail)
        {
            Challenge = AdminApiHttp.BearerChallenge(keyPresented ? "error=\"invalid_token\"" : null),
        };

    /// <summary>403 (RFC 6750 §3.1 <c>insufficient_scope</c>): the key is valid but lacks <paramref name="scope"/>.</summary>
    public static AdminProblem Forbidden(string scope) =>
        new(TypePrefix + "insufficient-scope", "Not allowed for this admin API key", 403, $"This operation needs an admin API key with the scope {scope}.")
        {
            Challenge = AdminApiHttp.BearerChallenge($"error=\"insufficient_scope\", scope=\"{scope}\""),
        };

    /// <summary>404: no such route, or no such domain, user, alias, key, job or message.</summary>
    public static AdminProblem NotFound(string detail) =>
        new(TypePrefix + "not-found", "Not found", 404, detail);

    /// <summary>405: the route exists but not with this method; <see cref="Allow"/> lists the methods it has.</summary>
    public static AdminProblem MethodNotAllowed(string detail, string allow) =>
        new(TypePrefix + "method-not-allowed", "Method not allowed", 405, detail) { Allow = allow };

    /// <summary>409: the request conflicts with what exists (already exists, still in use, being delivered). Nothing changed.</summary>
    public static AdminProblem Conflict(string detail) =>
        new(TypePrefix + "conflict", "Conflict", 409, detail);

    /// <summary>413: the request body is larger than <see cref="AdminApiHttp.MaxBodySize"/>.</summary>
    public static AdminProblem TooLarge(string detail) =>
        new(TypePrefix + "too-large", "Request too large", 413, detail);

    /// <summary>415: a body that is not <c>application/json</c>.</summary>
    public static AdminProblem UnsupportedMediaType(string detail) =>
        new(TypePrefix + "unsupported-media-type", "Unsupported media type", 415, detail);

    /// <summary>422: well-formed, but a value is not acceptable (invalid name, short password, domain not local). Nothing changed.</summary>
    public static AdminProblem Invalid(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(TypePrefix + "invalid-request", "Invalid request", 422, detail, errors);

    /// <summary>422 naming the one field that is wrong.</summary>
    public static AdminProblem InvalidField(string field, string message) =>
        Invalid(message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>501: this host cannot do it (queue administration where the queues are Service Bus).</summary>
    public static AdminProblem NotImplemented(string detail) =>
        new(TypePrefix + "not-implemented", "Not available on this server", 501, detail);

    /// <summary>503: storage is unavailable; nothing was changed and the client may retry.</summary>
    public static AdminProblem Unavailable(string detail) =>
        new(TypePrefix + "unavailable", "Service unavailable", 503, detail);
}
