using CloudMail.Core.SendApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace CloudMail.Listener.Http;

/// <summary>
/// The routes of the HTTP endpoint. Thin: copy headers into a <see cref="SendApiCall"/>, call
/// <see cref="SendApiHandler"/>, write its <see cref="SendApiResult"/> (the same mapping the Functions app uses).
/// Everything the host decides itself (unknown route, unsupported Content-Type, a body over the transport
/// limit) is answered with problem details too.
/// </summary>
internal static class SendApiEndpoints
{
    public const string MessagesPath = "/api/v1/messages";

    public static void Map(IEndpointRouteBuilder app, SendApiHandler handler, SendApiOptions limits)
    {
        app.MapPost(MessagesPath, (RequestDelegate)(context => PostAsync(context, handler, limits)));
        app.MapGet(MessagesPath + "/{id}", (RequestDelegate)(context => GetAsync(context, handler)));
        app.MapGet("/openapi.json", (RequestDelegate)(context => WriteAsync(context, 200, "application/json; charset=utf-8", OpenApiDocument.Utf8)));
        app.MapGet("/healthz", (RequestDelegate)(context => WriteAsync(context, 200, "text/plain; charset=utf-8", "ok\n"u8.ToArray())));
        app.MapFallback((RequestDelegate)(context => WriteProblemAsync(context,
            ApiProblem.NotFound($"No route for {context.Request.Method} {context.Request.Path}; see /openapi.json."))));
    }

    private static async Task PostAsync(HttpContext context, SendApiHandler handler, SendApiOptions limits)
    {
        var request = context.Request;
        if (request.ContentLength > limits.MaxRequestSize)
        {
            await WriteProblemAsync(context, ApiProblem.TooLarge($"The request body is larger than {limits.MaxRequestSize} bytes.")).ConfigureAwait(false);
            return;
        }
        string? mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        Func<SendApiCall, Stream, CancellationToken, Task<SendApiResult>>? submit = mediaType?.ToLowerInvariant() switch
        {
            "application/json" => handler.SubmitJsonAsync,
            "message/rfc822" => handler.SubmitRawAsync,
            _ => null,
        };
        if (submit is null)
        {
            await WriteProblemAsync(context, ApiProblem.UnsupportedMediaType(
                $"Content-Type must be application/json (a JSON message) or message/rfc822 (a raw MIME message), not '{mediaType ?? "none"}'.")).ConfigureAwait(false);
            return;
        }
        SendApiResult result;
        try
        {
            result = await submit(CallOf(context), request.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away (mid-body or mid-request); there is nobody to answer
        }
        await WriteResultAsync(context, result).ConfigureAwait(false);
    }

    private static async Task GetAsync(HttpContext context, SendApiHandler handler)
    {
        string id = context.Request.RouteValues["id"] as string ?? string.Empty;
        SendApiResult result;
        try
        {
            result = await handler.GetStatusAsync(CallOf(context), id, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        await WriteResultAsync(context, result).ConfigureAwait(false);
    }

    private static SendApiCall CallOf(HttpContext context)
    {
        var headers = context.Request.Headers;
        return new SendApiCall(
            Single(headers.Authorization),
            Single(headers["X-Api-Key"]),
            headers.TryGetValue("Idempotency-Key", out var idempotency) ? idempotency.ToString() : null,
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values.ToString();

    private static Task WriteResultAsync(HttpContext context, SendApiResult result)
    {
        if (result is SendApiResult.Accepted accepted)
            context.Response.Headers.Location = $"{MessagesPath}/{accepted.Response.MessageId}";
        if (result.StatusCode == StatusCodes.Status401Unauthorized)
            context.Response.Headers.WWWAuthenticate = SendApiJson.BearerChallenge;
        var (body, contentType) = SendApiJson.Serialize(result);
        return WriteAsync(context, result.StatusCode, contentType, body);
    }

    private static Task WriteProblemAsync(HttpContext context, ApiProblem problem) => WriteResultAsync(context, new SendApiResult.Problem(problem));

    private static async Task WriteAsync(HttpContext context, int status, string contentType, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
