using System.Net;
using CloudMail.SendApi;
using Microsoft.Azure.Functions.Worker.Http;

namespace CloudMail.Functions.Http;

/// <summary>
/// Maps between the Functions HTTP types and the host-independent send API, the same way the embedded host's endpoint
/// does (<see cref="SendApiHttp"/>): headers into a <see cref="SendApiCall"/>, a <see cref="SendApiResult"/> into status,
/// headers and an (RFC 7807 for problems) JSON body.
/// </summary>
public static class FunctionsHttp
{
    /// <summary>
    /// The transport facts the handler needs. The client address is the rightmost <c>X-Forwarded-For</c> entry that is
    /// not one of <paramref name="trustedProxies"/> (<see cref="ForwardedFor.ClientAddress"/>; the worker sees no socket).
    /// </summary>
    public static SendApiCall ToSendApiCall(this HttpRequestData request, IReadOnlyList<IPNetwork> trustedProxies) => new(
        Header(request, "Authorization"),
        Header(request, SendApiHttp.ApiKeyHeader),
        Header(request, SendApiHttp.IdempotencyKeyHeader),
        ForwardedFor.ClientAddress(Header(request, "X-Forwarded-For"), trustedProxies),
        request.ContentLength());

    /// <summary>The declared Content-Length, or null.</summary>
    public static long? ContentLength(this HttpRequestData request) =>
        long.TryParse(Header(request, "Content-Length"), System.Globalization.NumberStyles.None, null, out long length) ? length : null;

    /// <summary>All values of a header joined with ", " (as ASP.NET Core's StringValues.ToString does), or null when absent.</summary>
    public static string? Header(HttpRequestData request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    /// <summary>A response carrying <paramref name="result"/>.</summary>
    public static async Task<HttpResponseData> RespondAsync(this HttpRequestData request, SendApiResult result, CancellationToken cancellationToken)
    {
        var response = request.CreateResponse((HttpStatusCode)result.StatusCode);
        foreach (var (name, value) in SendApiHttp.ResponseHeaders(result)) response.Headers.Add(name, value);
        var (body, contentType) = SendApiJson.Serialize(result);
        return await WriteAsync(response, contentType, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A 200 response with <paramref name="body"/>.</summary>
    public static Task<HttpResponseData> RespondAsync(this HttpRequestData request, string contentType, byte[] body, CancellationToken cancellationToken) =>
        WriteAsync(request.CreateResponse(HttpStatusCode.OK), contentType, body, cancellationToken);

    private static async Task<HttpResponseData> WriteAsync(HttpResponseData response, string contentType, byte[] body, CancellationToken cancellationToken)
    {
        response.Headers.Add("Content-Type", contentType);
        await response.Body.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        return response;
    }
}
