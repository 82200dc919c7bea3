using System.Collections.Specialized;
using CloudMail.Core.Directory;

namespace CloudMail.AdminApi;

/// <summary>One authenticated request as a route sees it: its captures, query, key, and body reader.</summary>
public sealed class AdminCall(AdminApiRequest request, AdminRoute route, IReadOnlyDictionary<string, string> values, NameValueCollection query, AdminKeyInfo key)
{
    /// <summary>The admin key the request was made with.</summary>
    public AdminKeyInfo Key { get; } = key;

    /// <summary>The query parameters, decoded.</summary>
    public NameValueCollection Query { get; } = query;

    /// <summary>The route's path template (for <see cref="Pagination"/>'s next link).</summary>
    public string Template => route.Template;

    /// <summary>The percent-decoded value of capture <paramref name="name"/> of the route template.</summary>
    public string this[string name] => values[name];

    /// <summary>The JSON body as a <typeparamref name="T"/>, or the 400/413/415 problem (<see cref="AdminApiJson.ReadAsync{T}"/>).</summary>
    public Task<(T? Value, AdminProblem? Problem)> ReadAsync<T>(CancellationToken cancellationToken) where T : class =>
        AdminApiJson.ReadAsync<T>(request, cancellationToken);

    /// <summary>One page of <paramref name="items"/> (<see cref="Pagination"/>) as a 200, or 400 for a malformed limit or cursor.</summary>
    public AdminApiResult Page<T, TView>(IEnumerable<T> items, Func<T, string> key, Func<T, TView> view)
    {
        if (Pagination.Read(Query, out var problem) is not { } page) return problem!;
        return AdminApiResult.Json(200, AdminApiJson.Serialize(Pagination.Page(items, key, view, page, Template, Query)));
    }

    /// <summary>
    /// 201 with <paramref name="view"/>, and the Location of the new resource at <paramref name="path"/> (below the base path,
    /// escaped) when it can be read there.
    /// </summary>
    public static AdminApiResult Created<TView>(TView view, string? path = null) => path is null
        ? AdminApiResult.Json(201, AdminApiJson.Serialize(view))
        : AdminApiResult.Json(201, AdminApiJson.Serialize(view), new KeyValuePair<string, string>("Location", AdminApiHttp.BasePath + "/" + path));

    /// <summary>200 with <paramref name="view"/>.</summary>
    public static AdminApiResult Ok<TView>(TView view) => AdminApiResult.Json(200, AdminApiJson.Serialize(view));

    /// <summary>
    /// Reads a body and runs <paramref name="run"/> with it; when any of <paramref name="required"/> (name, value) is missing,
    /// answers 422 naming each, and <paramref name="run"/> does not run.
    /// </summary>
    public async Task<AdminApiResult> WithBodyAsync<T>(Func<T, (string Field, string? Value)[]> required, Func<T, Task<AdminApiResult>> run,
        CancellationToken cancellationToken) where T : class
    {
        var (body, problem) = await ReadAsync<T>(cancellationToken).ConfigureAwait(false);
        if (problem is not null) return problem;
        var missing = required(body!).Where(f => string.IsNullOrWhiteSpace(f.Value)).ToDictionary(f => f.Field, f => new[] { "is required" });
        if (missing.Count > 0) return AdminProblem.Invalid("Required fields are missing: " + string.Join(", ", missing.Keys) + ".", missing);
        return await run(body!).ConfigureAwait(false);
    }
}
