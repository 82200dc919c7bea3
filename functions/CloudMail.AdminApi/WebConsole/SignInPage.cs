namespace CloudMail.AdminApi.WebConsole;

/// <summary>
/// <c>/admin/sign-in</c>: a form that takes an admin API key (<c>cloudmail admin-key create</c>) and, when it verifies, starts a
/// session (<see cref="ConsoleSessions"/>) in an HttpOnly, SameSite=Strict cookie (Secure over TLS). The form carries a CSRF
/// token that must match the sign-in cookie set with it (403 otherwise); a key that does not verify is 401.
/// </summary>
internal static class SignInPage
{
    public const string Path = "sign-in";

    /// <summary>The field of the key.</summary>
    public const string KeyField = "key";

    public static async Task<ConsoleResult> HandleAsync(ConsoleHandler handler, ConsoleRequest request, string method, CancellationToken cancellationToken)
    {
        if (method == "GET") return Form(request, null, 200);
        if (method != "POST") return Form(request, null, 405).With("Allow", "GET, POST");
        var (form, problem) = await ConsoleHandler.ReadFormAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is { } p) return Form(request, p.Detail, p.Status);
        if (!ConsoleSessions.SameToken(form![ConsoleHttp.CsrfField], CookieHeader.Read(request.Cookie, ConsoleHttp.SignInCookie)))
            return Form(request, "The form's security token is missing or stale. Try again.", 403, freshToken: true);
        string key = (form[KeyField] ?? "").Trim();
        if (key.Length == 0 || await handler.SignInAsync(key, cancellationToken).ConfigureAwait(false) is not { } session)
            return Form(request, "That admin API key is not valid: it is unknown, revoked or mistyped.", 401);
        return ConsoleResult.Redirect(ConsoleHttp.BasePath)
            .With("Set-Cookie", ConsoleHttp.SetCookie(ConsoleHttp.SessionCookie, session.Id, request.IsHttps))
            .With("Set-Cookie", ConsoleHttp.SetCookie(ConsoleHttp.SignInCookie, "", request.IsHttps, TimeSpan.Zero));
    }

    /// <summary>
    /// The sign-in form with <paramref name="error"/>, answered with <paramref name="status"/> (401 also for any console page
    /// asked for without a session, with a <c>WWW-Authenticate</c> naming the form). Keeps the browser's sign-in token unless
    /// <paramref name="freshToken"/>.
    /// </summary>
    public static ConsoleResult Form(ConsoleRequest request, string? error, int status, bool freshToken = false)
    {
        string token = (freshToken ? null : CookieHeader.Read(request.Cookie, ConsoleHttp.SignInCookie)) is { Length: 43 } kept ? kept : ConsoleSessions.NewToken();
        var body = Html.Of($"""
            <main class="sign-in"><h1>CloudMail admin console</h1>
            {ConsoleLayout.Message("error", error)}
            <form method="post" action="{ConsoleLayout.Link(Path)}">
            {ConsoleLayout.CsrfField(token)}
            <label for="key">Admin API key</label>
            <input id="key" name="{KeyField}" type="password" autocomplete="off" required placeholder="cmadmin_…">
            <button type="submit">Sign in</button>
            </form>
            <p class="hint">Create a key on the server with <code>cloudmail admin-key create --scope admin:read,admin:write</code>.
            A key with only <code>admin:read</code> can look but not change anything.</p></main>
            """);
        var result = ConsoleLayout.Document("Sign in", body, status)
            .With("Set-Cookie", ConsoleHttp.SetCookie(ConsoleHttp.SignInCookie, token, request.IsHttps));
        return status == 401 ? result.With("WWW-Authenticate", $"Cookie realm=\"cloudmail-admin\", form=\"{ConsoleLayout.Link(Path)}\"") : result;
    }
}
