using CloudMail.AdminApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudMail.Listener.Http;

/// <summary>
/// The admin API on the embedded HTTP endpoint, as on the Functions app: every request under
/// <see cref="AdminApiHttp.BasePath"/> goes to <see cref="AdminApiHandler"/> (which routes, authenticates and answers) and its
/// <see cref="AdminApiResult"/> is written back as it is.
/// </summary>
internal static class AdminApiEndpoints
{
    /// <summary>The one route pattern mapped: the handler's route table decides the rest.</summary>
    public const string Pattern = AdminApiHttp.BasePath + "/{**path}";

    public static void Map(IEndpointRouteBuilder app, AdminApiHandler handler) =>
        app.MapMethods(Pattern, ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], (RequestDelegate)(context => HandleAsync(context, handler)));

    private static async Task HandleAsync(HttpContext context, AdminApiHandler handler)
    {
        var request = context.Request;
        var call = new AdminApiRequest(request.Method, request.PathBase.Add(request.Path).ToUriComponent(), request.QueryString.Value ?? "",
            request.Headers.Authorization.Count == 0 ? null : request.Headers.Authorization.ToString(), request.ContentType, request.Body);
        AdminApiResult result;
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
