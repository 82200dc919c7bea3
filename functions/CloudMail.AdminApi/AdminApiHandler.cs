using Microsoft.Extensions.Logging;

namespace CloudMail.AdminApi;

/// <summary>
/// The HTTP admin API, host-independent: each host hands every request under <see cref="AdminApiHttp.BasePath"/> to
/// <see cref="HandleAsync"/> and writes the <see cref="AdminApiResult"/> back. Order: the OpenAPI document (no key), the
/// key (401), the route (404; 405 with Allow), the scope (403), then the route runs. What a route throws is classified
/// once here (<see cref="AdminFailures"/>). Every input check runs before anything is
/// written, so a refused request changes nothing. Logs the key id, method, route template and status; never a key,
/// password or body.
/// </summary>
public sealed partial class AdminApiHandler
{
    private readonly AdminAuthenticator _authenticator;
    private readonly IReadOnlyList<AdminRoute> _routes;
    private readonly ILogger<AdminApiHandler> _logger;

    private static readonly byte[] OpenApiDocument = AdminApiOpenApi.Document();

    public AdminApiHandler(AdminAuthenticator authenticator, IEnumerable<IAdminResource> resources, ILogger<AdminApiHandler> logger)
    {
        _authenticator = authenticator;
        _routes = [.. resources.SelectMany(r => r.Routes)];
        _logger = logger;
    }

    /// <summary>Every route served (method and template below the base path), for the OpenAPI check.</summary>
    public IEnumerable<(string Method, string Template)> Routes => _routes.Select(r => (r.Method, r.Template));

    /// <summary>Answers one request. Never throws for client input; cancellation propagates.</summary>
    public async Task<AdminApiResult> HandleAsync(AdminApiRequest request, CancellationToken cancellationToken)
    {
        string method = request.Method.ToUpperInvariant();
        if (Segments(request.Path) is not { } segments)
            return AdminProblem.NotFound($"No route for {method} {request.Path}; see {AdminApiHttp.OpenApiPath}.");
        if (method is "GET" or "HEAD" && segments is ["openapi.json"])
            return new AdminApiResult(200, AdminApiOpenApi.ContentType, OpenApiDocument, []);

        string template = "(unmatched)";
        string keyId = "-";
        AdminApiResult result;
        try
        {
            var (key, unauthorized) = await _authenticator.AuthenticateAsync(request.Authorization, cancellationToken).ConfigureAwait(false);
            if (key is null) result = unauthorized!;
            else
            {
                keyId = key.KeyId;
                var matches = _routes.Select(r => (Route: r, Values: r.Match(segments))).Where(m => m.Values is not null).ToList();
                var match = matches.FirstOrDefault(m => m.Route.Method == method);
                if (matches.Count == 0) result = AdminProblem.NotFound($"No route for {method} {request.Path}; see {AdminApiHttp.OpenApiPath}.");
                else if (match.Route is null)
                {
                    string allow = string.Join(", ", matches.Select(m => m.Route.Method).Distinct());
                    result = AdminProblem.MethodNotAllowed($"{request.Path} takes {allow}, not {method}.", allow);
                }
                else
                {
                    template = match.Route.Template;
                    result = key.Has(match.Route.Scope)
                        ? await match.Route.Run(new AdminCall(request, match.Route, match.Values!, System.Web.HttpUtility.ParseQueryString(request.Query), key), cancellationToken).ConfigureAwait(false)
                        : AdminProblem.Forbidden(match.Route.Scope);
                }
            }
        }
        catch (Exception e) when (AdminFailures.Classify(e) is { } problem && !cancellationToken.IsCancellationRequested)
        {
            if (problem.Status == 503) LogStorageFailed(e, method, template);
            result = problem;
        }
        LogAnswered(method, template, keyId, result.Status);
        return result;
    }

    /// <summary>The percent-decoded segments of <paramref name="path"/> below the base path, or null when it is not below it.</summary>
    private static string[]? Segments(string path)
    {
        if (!path.StartsWith(AdminApiHttp.BasePath + "/", StringComparison.Ordinal)) return null;
        string rest = path[(AdminApiHttp.BasePath.Length + 1)..].TrimEnd('/');
        return [.. rest.Split('/').Select(Uri.UnescapeDataString)];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API {Method} {Route} with key {KeyId}: {Status}")]
    private partial void LogAnswered(string method, string route, string keyId, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin API {Method} {Route} failed in storage")]
    private partial void LogStorageFailed(Exception exception, string method, string route);
}
