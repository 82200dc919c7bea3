using Microsoft.AspNetCore.Http;

namespace CloudMail.Listener.Http;

/// <summary>Writes an answer a host-independent handler decided (admin API, web console) to the ASP.NET response as it is.</summary>
internal static class HttpAnswers
{
    /// <summary>
    /// Status, every header (a name may repeat: each is appended), and the body with its Content-Type and length; no body for
    /// HEAD or when <paramref name="contentType"/> is null.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, int status, IEnumerable<KeyValuePair<string, string>> headers, string? contentType, byte[] body)
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers) context.Response.Headers.Append(name, value);
        if (contentType is null) return;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
