namespace CloudMail.AdminApi.WebConsole;

/// <summary>One console request as a host copies it from HTTP; <see cref="ConsoleHandler"/> parses and checks every part.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path as sent, percent-encoded (<c>/admin/queue</c>).</param>
/// <param name="Query">The query string with or without its leading '?', percent-encoded; empty when none.</param>
/// <param name="Cookie">The Cookie header, or null.</param>
/// <param name="ContentType">The Content-Type header, or null.</param>
/// <param name="Body">The request body (a form is read up to <see cref="ConsoleHttp.MaxFormSize"/>).</param>
/// <param name="IsHttps">True when the request came over TLS: the cookies are then marked Secure.</param>
public sealed record ConsoleRequest(string Method, string Path, string Query, string? Cookie, string? ContentType, Stream Body, bool IsHttps)
{
    /// <summary>Hides the cookies so that logging the record by accident does not leak a session.</summary>
    public override string ToString() => $"ConsoleRequest {{ {Method} {Path} }}";
}

/// <summary>
/// The whole HTTP answer of the console: each host writes <see cref="Status"/>, every one of <see cref="Headers"/> (a name may
/// repeat: <c>Set-Cookie</c>), Content-Type <see cref="ContentType"/> and <see cref="Body"/> as they are.
/// </summary>
public sealed record ConsoleResult(int Status, string? ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The same answer with <paramref name="name"/>: <paramref name="value"/> added.</summary>
    public ConsoleResult With(string name, string value) => this with { Headers = [.. Headers, new(name, value)] };

    /// <summary>303 See Other to <paramref name="location"/> (after a form, so that reloading does not post it again).</summary>
    public static ConsoleResult Redirect(string location) => new(303, null, [], [new("Location", location)]);
}
