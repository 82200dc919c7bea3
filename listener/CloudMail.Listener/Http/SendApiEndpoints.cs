using CloudMail.SendApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudMail.Listener.Http;

/// <summary>
/// The routes of the HTTP endpoint, the same as the Functions app's. Thin: copy headers into a <see cref="SendApiCall"/>,
/// call <see cref="SendApiHandler"/>, write its <see cref="SendApiResult"/>. The paths, the transport checks (413, 415),
/// the header names and the response headers come from <see cref="SendApiHttp"/> and the OpenAPI document from
/// <see cref="SendApiOpenApi"/>, both shared with the Functions app, so the two hosts answer identically.
/// Everything the host decides itself (unknown route 404, known route with another method 405) is answered with problem
/// details too; HEAD is answered wherever GET is, without the body.
/// </summary>
internal static class SendApiEndpoints
{
    private static readonly byte[] OpenApiDocument = SendApiOpenApi.Document();

    private static readonly byte[] HealthBody = System.Text.Encoding.ASCII.GetBytes(SendApiHttp.HealthBody);

    /// <summary>The methods a read-only route answers: GET and HEAD, which every general-purpose server supports (RFC 9110 §9.1).</summary>
    private static readonly string[] ReadMethods = [HttpMethods.Get, HttpMethods.Head];

    public static void Map(IEndpointRouteBuilder app, SendApiHandler handler, SendApiOptions limits)
    {
        MapRoute(app, SendApiHttp.MessagesPath, [HttpMethods.Post], context => PostAsync(context, handler, limits));
        MapRoute(app, SendApiHttp.StatusPath, ReadMethods, context => GetAsync(context, handler));
        MapRoute(app, SendApiHttp.OpenApiPath, ReadMethods, context => WriteAsync(context, 200, SendApiOpenApi.ContentType, OpenApiDocument));
        MapRoute(app, SendApiHttp.HealthPath, ReadMethods, context => WriteAsync(context, 200, SendApiHttp.HealthContentType, HealthBody));
        app.MapFallback((RequestDelegate)(context => WriteResultAsync(context,
            ApiProblem.NotFound($"No route for {context.Request.Method} {context.Request.Path}; see {SendApiHttp.OpenApiPath}."))));
    }

    /// <summary>
    /// Maps <paramref name="pattern"/> for <paramref name="methods"/>, and for every other method a 405 problem with
    /// <c>Allow</c> (RFC 9110 §15.5.6), ordered after the route so that it only answers what the route does not take.
    /// </summary>
    private static void MapRoute(IEndpointRouteBuilder app, string pattern, string[] methods, RequestDelegate run)
    {
        app.MapMethods(pattern, methods, run);
        string allow = string.Join(", ", methods);
        app.Map(pattern, (RequestDelegate)(context => WriteResultAsync(context,
            ApiProblem.MethodNotAllowed($"{context.Request.Path} takes {allow}, not {context.Request.Method}.", allow)))).WithOrder(1);
    }

    private static async Task PostAsync(HttpContext context, SendApiHandler handler, SendApiOptions limits)
    {
        var request = context.Request;
        if (SendApiHttp.DeclaredLengthProblem(request.ContentLength, limits) is { } tooLarge)
        {
            await WriteResultAsync(context, tooLarge).ConfigureAwait(false);
            return;
        }
        if (SendApiHttp.SelectSubmit(request.ContentType, out var unsupported) is not { } kind)
        {
            await WriteResultAsync(context, unsupported!).ConfigureAwait(false);
            return;
        }
        SendApiResult result;
        try
        {
            result = await SendApiHttp.SubmitAsync(handler, kind, CallOf(context), request.Body, context.RequestAborted).ConfigureAwait(false);
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
            Single(headers[SendApiHttp.ApiKeyHeader]),
            headers.TryGetValue(SendApiHttp.IdempotencyKeyHeader, out var idempotency) ? idempotency.ToString() : null,
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            context.Request.ContentLength);
    }

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values.ToString();

    private static Task WriteResultAsync(HttpContext context, ApiProblem problem) => WriteResultAsync(context, new SendApiResult.Problem(problem));

    private static Task WriteResultAsync(HttpContext context, SendApiResult result)
    {
        foreach (var (name, value) in SendApiHttp.ResponseHeaders(result)) context.Response.Headers[name] = value;
        var (body, contentType) = SendApiJson.Serialize(result);
        return WriteAsync(context, result.StatusCode, contentType, body);
    }

    private static Task WriteAsync(HttpContext context, int status, string contentType, byte[] body) =>
        HttpAnswers.WriteAsync(context, status, [], contentType, body);
}
