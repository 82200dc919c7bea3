using System.Net;
using CloudMail.AdminApi;
using CloudMail.Functions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// The admin API on Functions: one HTTP trigger takes every request under <see cref="AdminApiHttp.BasePath"/> (host.json's
/// route prefix <c>api</c> + <see cref="Route"/>) and hands it to the same <see cref="AdminApiHandler"/> as the embedded
/// host, which routes, authenticates with admin API keys and answers. Anonymous at the Functions level.
/// </summary>
public sealed class AdminApiFunction(AdminApiHandler handler)
{
    /// <summary>Below <see cref="SendApiFunctions.RoutePrefix"/>: <see cref="AdminApiHttp.BasePath"/> and everything under it.</summary>
    public const string Route = "v1/admin/{*path}";

    /// <summary>Any admin API request: the handler's answer, status, headers and body as they are.</summary>
    [Function("AdminApi")]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", Route = Route)] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var call = new AdminApiRequest(request.Method, request.Url.AbsolutePath, request.Url.Query,
            FunctionsHttp.Header(request, "Authorization"), FunctionsHttp.Header(request, "Content-Type"), request.Body);
        AdminApiResult result = await handler.HandleAsync(call, cancellationToken).ConfigureAwait(false);
        var response = request.CreateResponse((HttpStatusCode)result.Status);
        foreach (var (name, value) in result.Headers) response.Headers.Add(name, value);
        if (result.ContentType is not null)
        {
            response.Headers.Add("Content-Type", result.ContentType);
            await response.Body.WriteAsync(result.Body, cancellationToken).ConfigureAwait(false);
        }
        return response;
    }
}
