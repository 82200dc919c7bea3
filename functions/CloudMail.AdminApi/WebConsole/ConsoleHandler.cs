using System.Collections.Specialized;
using System.Text;
using System.Web;
using CloudMail.Core.Directory;
using Microsoft.Extensions.Logging;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>
/// The web console, host-independent: each host hands every request under <see cref="ConsoleHttp.BasePath"/> to
/// <see cref="HandleAsync"/> and writes the <see cref="ConsoleResult"/> back. Order: the stylesheet (no session), sign-in,
/// the session (401 with the sign-in form), its admin key still valid (a revoked key ends the session), the route (404; 405),
/// for a POST the form (413, 415) and its CSRF token (403), the scope (403), then the page or action runs over the same Core
/// services as the CLI and the admin API. What an action throws is classified as in the admin API
/// (<see cref="AdminFailures"/>) and shown on an error page with that status. Logs the key id, method, path and status; never
/// a key, a cookie or a form.
/// </summary>
public sealed partial class ConsoleHandler
{
    private readonly IAdminKeyStore _keys;
    private readonly ConsoleSessions _sessions;
    private readonly IReadOnlyList<ConsoleRoute> _routes;
    private readonly IReadOnlyList<(string Path, string Label)> _navigation;
    private readonly ILogger<ConsoleHandler> _logger;

    public ConsoleHandler(IAdminKeyStore keys, ConsoleSessions sessions, IEnumerable<IConsolePage> pages, ILogger<ConsoleHandler> logger)
    {
        _keys = keys;
        _sessions = sessions;
        _routes = [SignOutRoute, .. pages.SelectMany(p => p.Routes)];
        _navigation = [.. pages.Select(p => p.Navigation)];
        _logger = logger;
    }

    /// <summary>Answers one request. Never throws for client input; cancellation propagates.</summary>
    public async Task<ConsoleResult> HandleAsync(ConsoleRequest request, CancellationToken cancellationToken)
    {
        string method = request.Method.ToUpperInvariant();
        if (method == "HEAD") method = "GET";
        if (PathBelowBase(request.Path) is not { } path) return NotFound();
        if (method == "GET" && ConsoleAssets.Find(path) is { } asset) return asset;
        if (path == SignInPage.Path) return await SignInPage.HandleAsync(this, request, method, cancellationToken).ConfigureAwait(false);

        var session = await SessionAsync(request.Cookie, cancellationToken).ConfigureAwait(false);
        if (session is null) return SignInPage.Form(request, null, 401);
        ConsoleResult result;
        try
        {
            result = await RouteAsync(request, method, path, session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AdminFailures.Classify(e) is { } problem && !cancellationToken.IsCancellationRequested)
        {
            if (problem.Status == 503) LogStorageFailed(e, method, path);
            result = ErrorPage(session, path, problem.Title, problem.Detail, problem.Status);
        }
        LogAnswered(method, path, session.KeyId, result.Status);
        return result;
    }

    private async Task<ConsoleResult> RouteAsync(ConsoleRequest request, string method, string path, ConsoleSession session, CancellationToken cancellationToken)
    {
        var matches = _routes.Where(r => r.Path == path).ToList();
        if (matches.Count == 0) return ErrorPage(session, path, "Not found", $"There is no console page {ConsoleLayout.Link(path)}.", 404);
        if (matches.FirstOrDefault(r => r.Method == method) is not { } route)
        {
            string allow = string.Join(", ", matches.Select(r => r.Method).Distinct());
            return ErrorPage(session, path, "Method not allowed", $"{ConsoleLayout.Link(path)} takes {allow}.", 405).With("Allow", allow);
        }
        var form = new NameValueCollection();
        if (method == "POST")
        {
            var (read, problem) = await ReadFormAsync(request, cancellationToken).ConfigureAwait(false);
            if (problem is not null) return ErrorPage(session, path, problem.Value.Title, problem.Value.Detail, problem.Value.Status);
            form = read!;
            if (!ConsoleSessions.SameToken(form[ConsoleHttp.CsrfField], session.Csrf))
                return ErrorPage(session, path, "Forbidden", "The form's security token is missing or stale. Reload the page and try again.", 403);
            if (path == SignOutPath) return SignOut(session, request.IsHttps);
        }
        if (!session.Has(route.Scope))
            return ErrorPage(session, path, "Forbidden", $"This needs an admin API key with the scope {route.Scope}; key {session.KeyId} does not have it.", 403);
        var query = HttpUtility.ParseQueryString(request.Query);
        return await route.Run(new ConsoleCall(session, query, form, path, _navigation), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Path of the sign-out action (a POST with the CSRF token, so that another site cannot sign the browser out).</summary>
    public const string SignOutPath = "sign-out";

    /// <summary>The sign-out form's route; it needs no scope, and its body never runs (sign-out is answered right after the CSRF check).</summary>
    private static readonly ConsoleRoute SignOutRoute = new("POST", SignOutPath, "", (_, _) => throw new InvalidOperationException("unreachable"));

    /// <summary>Verifies a presented admin key and starts a session for it, or null when the key is not valid.</summary>
    internal async Task<ConsoleSession?> SignInAsync(string key, CancellationToken cancellationToken)
    {
        var info = await _keys.VerifyAsync(key, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            LogSignInRefused();
            return null;
        }
        LogSignedIn(info.KeyId);
        return _sessions.Start(info);
    }

    private ConsoleResult SignOut(ConsoleSession session, bool secure)
    {
        _sessions.End(session.Id);
        LogSignedOut(session.KeyId);
        return ConsoleResult.Redirect(ConsoleLayout.Link(SignInPage.Path))
            .With("Set-Cookie", ConsoleHttp.SetCookie(ConsoleHttp.SessionCookie, "", secure, TimeSpan.Zero));
    }

    /// <summary>The live session of the request's cookie whose key still verifies as listed; a revoked key's session is ended.</summary>
    private async Task<ConsoleSession?> SessionAsync(string? cookie, CancellationToken cancellationToken)
    {
        if (_sessions.Find(CookieHeader.Read(cookie, ConsoleHttp.SessionCookie)) is not { } session) return null;
        var keys = await _keys.ListAsync(cancellationToken).ConfigureAwait(false);
        if (keys.Any(k => k.KeyId == session.KeyId)) return session;
        _sessions.End(session.Id);
        return null;
    }

    /// <summary>The form of a POST (<c>application/x-www-form-urlencoded</c>, UTF-8, at most <see cref="ConsoleHttp.MaxFormSize"/>), or the 413/415 problem.</summary>
    internal static async Task<(NameValueCollection? Form, (string Title, string Detail, int Status)? Problem)> ReadFormAsync(ConsoleRequest request,
        CancellationToken cancellationToken)
    {
        string mediaType = (request.ContentType ?? "").Split(';')[0].Trim();
        if (!mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return (null, ("Unsupported media type", "Console actions take an HTML form (application/x-www-form-urlencoded).", 415));
        var buffer = new byte[ConsoleHttp.MaxFormSize + 1];
        int length = 0, read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            length += read;
        if (length > ConsoleHttp.MaxFormSize) return (null, ("Request too large", "The form is larger than any console form.", 413));
        return (HttpUtility.ParseQueryString(Encoding.UTF8.GetString(buffer, 0, length)), null);
    }

    private ConsoleResult ErrorPage(ConsoleSession session, string path, string title, string detail, int status) =>
        ConsoleLayout.Page(session, _navigation, path, title, ConsoleLayout.Message("error", detail), status);

    private static ConsoleResult NotFound() =>
        ConsoleLayout.Document("Not found", Html.Of($"<main><h1>Not found</h1></main>"), 404);

    /// <summary>The path below the base path without slashes at the ends ("" for the dashboard), or null when not below it.</summary>
    private static string? PathBelowBase(string path)
    {
        if (path == ConsoleHttp.BasePath) return "";
        if (!path.StartsWith(ConsoleHttp.BasePath + "/", StringComparison.Ordinal)) return null;
        return Uri.UnescapeDataString(path[(ConsoleHttp.BasePath.Length + 1)..]).Trim('/');
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Console {Method} /admin/{Path} with key {KeyId}: {Status}")]
    private partial void LogAnswered(string method, string path, string keyId, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console sign-in with key {KeyId}")]
    private partial void LogSignedIn(string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in refused: the key is not valid")]
    private partial void LogSignInRefused();

    [LoggerMessage(Level = LogLevel.Information, Message = "Console sign-out of key {KeyId}")]
    private partial void LogSignedOut(string keyId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Console {Method} /admin/{Path} failed in storage")]
    private partial void LogStorageFailed(Exception exception, string method, string path);
}
