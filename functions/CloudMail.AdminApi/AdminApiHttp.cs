namespace CloudMail.AdminApi;

/// <summary>The HTTP facts of the admin API that are the same in every host: where it is served, its limits, its challenge.</summary>
public static class AdminApiHttp
{
    /// <summary>Every admin route is under this path; each host hands every request under it to <see cref="AdminApiHandler"/>.</summary>
    public const string BasePath = "/api/v1/admin";

    /// <summary>The OpenAPI document (<see cref="AdminApiOpenApi"/>), served without a key.</summary>
    public const string OpenApiPath = BasePath + "/openapi.json";

    /// <summary>Largest request body read (every admin request body is a small JSON object).</summary>
    public const int MaxBodySize = 64 * 1024;

    /// <summary>The <c>WWW-Authenticate</c> value of a 401 or 403 (RFC 6750 §3), with <paramref name="parameters"/> after the realm.</summary>
    public static string BearerChallenge(string? parameters) =>
        parameters is null ? "Bearer realm=\"cloudmail-admin\"" : "Bearer realm=\"cloudmail-admin\", " + parameters;
}
