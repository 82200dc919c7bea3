namespace CloudMail.AdminApi;

/// <summary>
/// The whole HTTP answer the handler decided, serialized: each host writes <see cref="Status"/>, <see cref="Headers"/>,
/// Content-Type <see cref="ContentType"/> and <see cref="Body"/> as they are, so both hosts answer byte for byte the same.
/// </summary>
public sealed record AdminApiResult(int Status, string? ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>204 No Content.</summary>
    public static AdminApiResult NoContent() => new(204, null, [], []);

    /// <summary>A JSON body (<see cref="AdminApiJson.ContentType"/>) with <paramref name="status"/> and optional headers.</summary>
    public static AdminApiResult Json(int status, byte[] body, params KeyValuePair<string, string>[] headers) => new(status, AdminApiJson.ContentType, body, headers);

    /// <summary>The problem as <c>application/problem+json</c>, with the problem's <c>WWW-Authenticate</c> (401, 403) and <c>Allow</c> (405) headers.</summary>
    public static AdminApiResult Problem(AdminProblem problem)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (problem.Challenge is { } challenge) headers.Add(new("WWW-Authenticate", challenge));
        if (problem.Allow is { } allow) headers.Add(new("Allow", allow));
        return new(problem.Status, AdminProblem.ContentType, AdminApiJson.Serialize(problem), headers);
    }

    public static implicit operator AdminApiResult(AdminProblem problem) => Problem(problem);
}
