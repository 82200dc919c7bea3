using Microsoft.Net.Http.Headers;

namespace CloudMail.SendApi;

/// <summary>
/// The HTTP half of the send API that is the same in every host, so the embedded Kestrel endpoint and the Functions
/// HTTP triggers answer identically: which header carries what, the transport checks a host makes before calling
/// <see cref="SendApiHandler"/> (declared length → 413, Content-Type → 415), and the headers a
/// <see cref="SendApiResult"/> adds (Location on 202, <c>WWW-Authenticate</c> on 401, <c>Retry-After</c>, <c>Allow</c> on 405). The body and its Content-Type
/// come from <see cref="SendApiJson.Serialize(SendApiResult)"/>.
/// </summary>
public static class SendApiHttp
{
    /// <summary>Route of <c>POST</c> (submit) and, with <c>/{id}</c>, <c>GET</c> (status).</summary>
    public const string MessagesPath = "/api/v1/messages";

    /// <summary>Route of <c>GET</c> (status of one message).</summary>
    public const string StatusPath = MessagesPath + "/{id}";

    /// <summary>Where both hosts serve <see cref="SendApiOpenApi"/>'s document.</summary>
    public const string OpenApiPath = "/api/openapi.json";

    /// <summary>The liveness probe both hosts serve: 200 with <see cref="HealthBody"/> while the process runs.</summary>
    public const string HealthPath = "/api/healthz";

    /// <summary>The body of a 200 from <see cref="HealthPath"/> (<c>text/plain</c>).</summary>
    public const string HealthBody = "ok\n";

    /// <summary>The media type of <see cref="HealthBody"/>.</summary>
    public const string HealthContentType = "text/plain; charset=utf-8";

    public const string ApiKeyHeader = "X-Api-Key";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>What a submission's Content-Type selects.</summary>
    public enum SubmitKind
    {
        /// <summary><c>application/json</c>: <see cref="SendApiHandler.SubmitJsonAsync"/>.</summary>
        Json,

        /// <summary><c>message/rfc822</c>: <see cref="SendApiHandler.SubmitRawAsync"/>.</summary>
        Raw,
    }

    /// <summary>413 when the declared body length is over <see cref="SendApiOptions.MaxRequestSize"/>; null otherwise.</summary>
    public static ApiProblem? DeclaredLengthProblem(long? contentLength, SendApiOptions limits) =>
        contentLength > limits.MaxRequestSize
            ? ApiProblem.TooLarge($"The request body is larger than {limits.MaxRequestSize} bytes.")
            : null;

    /// <summary>The submit operation for <paramref name="contentType"/>, or null with a 415 problem in <paramref name="problem"/>.</summary>
    public static SubmitKind? SelectSubmit(string? contentType, out ApiProblem? problem)
    {
        string? mediaType = MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.Value : null;
        SubmitKind? kind = mediaType?.ToLowerInvariant() switch
        {
            "application/json" => SubmitKind.Json,
            "message/rfc822" => SubmitKind.Raw,
            _ => null,
        };
        problem = kind is null
            ? ApiProblem.UnsupportedMediaType(
                $"Content-Type must be application/json (a JSON message) or message/rfc822 (a raw MIME message), not '{mediaType ?? "none"}'.")
            : null;
        return kind;
    }

    /// <summary>The handler call <paramref name="kind"/> selects.</summary>
    public static Task<SendApiResult> SubmitAsync(SendApiHandler handler, SubmitKind kind, SendApiCall call, Stream body, CancellationToken cancellationToken) =>
        kind == SubmitKind.Json ? handler.SubmitJsonAsync(call, body, cancellationToken) : handler.SubmitRawAsync(call, body, cancellationToken);

    /// <summary>
    /// Response headers besides Content-Type: <c>Location</c> of the status URL on 202, the Bearer challenge on 401, and
    /// <c>Retry-After</c> in whole seconds (RFC 9110 §10.2.3) on a problem that sets <see cref="ApiProblem.RetryAfter"/>.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> ResponseHeaders(SendApiResult result)
    {
        if (result is SendApiResult.Accepted accepted)
            yield return new(HeaderNames.Location, $"{MessagesPath}/{accepted.Response.MessageId}");
        if (result.StatusCode == 401)
            yield return new(HeaderNames.WWWAuthenticate, SendApiJson.BearerChallenge);
        if (result is SendApiResult.Problem { Details.RetryAfter: { } retryAfter })
            yield return new(HeaderNames.RetryAfter, ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (result is SendApiResult.Problem { Details.Allow: { } allow })
            yield return new(HeaderNames.Allow, allow);
    }
}
