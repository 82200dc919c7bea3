namespace CloudMail.AdminApi;

/// <summary>
/// One admin API request as a host copies it from HTTP; the handler parses and checks every part.
/// </summary>
/// <param name="Method">The HTTP method (<c>GET</c>, <c>POST</c>, <c>PUT</c>, <c>DELETE</c>...).</param>
/// <param name="Path">The request path as sent, percent-encoded (<c>/api/v1/admin/users/a%40example.com</c>).</param>
/// <param name="Query">The query string with or without its leading '?', percent-encoded; empty when none.</param>
/// <param name="Authorization">The Authorization header, or null.</param>
/// <param name="ContentType">The Content-Type header, or null.</param>
/// <param name="Body">The request body (read by the handler up to <see cref="AdminApiHttp.MaxBodySize"/>).</param>
public sealed record AdminApiRequest(string Method, string Path, string Query, string? Authorization, string? ContentType, Stream Body)
{
    /// <summary>Hides the credentials so that logging the record by accident does not leak a key.</summary>
    public override string ToString() => $"AdminApiRequest {{ {Method} {Path} }}";
}
