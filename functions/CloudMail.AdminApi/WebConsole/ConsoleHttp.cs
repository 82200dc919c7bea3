namespace CloudMail.AdminApi.WebConsole;

/// <summary>The HTTP facts of the web console that are the same in every host: where it is served, its cookies, its limits, its headers.</summary>
public static class ConsoleHttp
{
    /// <summary>Every console page is under this path; each host hands every request under it (and the path itself) to <see cref="ConsoleHandler"/>.</summary>
    public const string BasePath = "/admin";

    /// <summary>The session cookie: a random id of a <see cref="ConsoleSessions"/> entry, scoped to <see cref="BasePath"/>.</summary>
    public const string SessionCookie = "cloudmail_session";

    /// <summary>
    /// The sign-in form's CSRF cookie (double submit): a random token set with the form and compared with the form's hidden field,
    /// so that another site cannot sign a browser in with a key of its own.
    /// </summary>
    public const string SignInCookie = "cloudmail_signin";

    /// <summary>The hidden field of every form that carries the CSRF token.</summary>
    public const string CsrfField = "csrf";

    /// <summary>Largest form body read (every console form is a few short fields).</summary>
    public const int MaxFormSize = 16 * 1024;

    /// <summary>
    /// The cookie header value: HttpOnly (no script reads it), SameSite=Strict (no other site's request carries it), Path
    /// <see cref="BasePath"/>, Secure when served over TLS; <paramref name="maxAge"/> zero deletes it.
    /// </summary>
    public static string SetCookie(string name, string value, bool secure, TimeSpan? maxAge = null) =>
        $"{name}={value}; Path={BasePath}; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "")
        + (maxAge is { } age ? $"; Max-Age={(long)age.TotalSeconds}" : "");

    /// <summary>
    /// Headers of every console answer: nothing cached, no framing, no referrer, and a content security policy that allows only
    /// the console's own stylesheet and forms (the pages have no script at all).
    /// </summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> SecurityHeaders =
    [
        new("Cache-Control", "no-store"),
        new("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        new("X-Content-Type-Options", "nosniff"),
        new("X-Frame-Options", "DENY"),
        new("Referrer-Policy", "no-referrer"),
    ];
}
