using CloudMail.AdminApi.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudMail.Listener.Http;

/// <summary>
/// The web console on the embedded HTTP endpoint: <see cref="ConsoleHttp.BasePath"/> and every request under it go to
/// <see cref="ConsoleHandler"/> (sessions, CSRF, scopes, pages) and its <see cref="ConsoleResult"/> is written back as it is.
/// </summary>
internal static class ConsoleEndpoints
{
    /// <summary>The route patterns mapped: the base path and everything under it; the handler's route table decides the rest.</summary>
    public static readonly IReadOnlyList<string> Patterns = [ConsoleHttp.BasePath, ConsoleHttp.BasePath + "/{**path}"];

    public static void Map(IEndpointRouteBuilder app, ConsoleHandler handler)
    {
        var run = (RequestDelegate)(context => HandleAsync(context, handler));
        foreach (string pattern in Patterns) app.MapMethods(pattern, ["GET", "HEAD", "POST"], run);
    }

    private static async Task HandleAsync(HttpContext context, ConsoleHandler handler)
    {
        var request = context.Request;
        var call = new ConsoleRequest(request.Method, request.PathBase.Add(request.Path).ToUriComponent(), request.QueryString.Value ?? "",
            request.Headers.Cookie.Count == 0 ? null : request.Headers.Cookie.ToString(), request.ContentType, request.Body, request.IsHttps);
        ConsoleResult result;
        try
        {
            result = await handler.HandleAsync(call, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away; there is nobody to answer
        }
        await HttpAnswers.WriteAsync(context, result.Status, result.Headers, result.ContentType, result.Body).ConfigureAwait(false);
    }
}
