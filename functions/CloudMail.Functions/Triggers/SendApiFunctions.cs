using CloudMail.Functions.Health;
using CloudMail.Functions.Http;
using CloudMail.SendApi;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;

namespace CloudMail.Functions.Triggers;

/// <summary>
/// The HTTP send API on Functions: the same <see cref="SendApiHandler"/>, checks and response mapping as the embedded
/// host's endpoint (<see cref="SendApiHttp"/>), at the same paths (host.json's route prefix <c>api</c> + the routes
/// below = <see cref="SendApiHttp.MessagesPath"/>). Anonymous at the Functions level: callers authenticate with
/// CloudMail's per-domain API keys, which the handler checks.
/// </summary>
public sealed class SendApiFunctions(SendApiHandler handler, IOptions<SendApiOptions> options, IOptions<FunctionsOptions> functionsOptions,
    ServiceBusTriggerBindings? triggerBindings = null)
{
    private readonly IReadOnlyList<System.Net.IPNetwork> _trustedProxies = functionsOptions.Value.TrustedProxyNetworks;

    /// <summary>host.json's route prefix: every route below is served under it, at <see cref="SendApiHttp"/>'s paths.</summary>
    public const string RoutePrefix = "api";

    public const string MessagesRoute = "v1/messages";
    public const string StatusRoute = MessagesRoute + "/{id}";
    public const string OpenApiRoute = "openapi.json";
    public const string HealthRoute = "healthz";

    private static readonly byte[] OpenApiDocument = SendApiOpenApi.Document();

    private static readonly byte[] HealthBody = System.Text.Encoding.ASCII.GetBytes(SendApiHttp.HealthBody);

    /// <summary><c>POST /api/v1/messages</c>: JSON or raw MIME; 202 with the message id, or problem details.</summary>
    [Function("SendMessage")]
    public async Task<HttpResponseData> SendAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = MessagesRoute)] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (SendApiHttp.DeclaredLengthProblem(request.ContentLength(), options.Value) is { } tooLarge)
            return await request.RespondAsync(tooLarge, cancellationToken).ConfigureAwait(false);
        if (SendApiHttp.SelectSubmit(FunctionsHttp.Header(request, "Content-Type"), out var unsupported) is not { } kind)
            return await request.RespondAsync(unsupported!, cancellationToken).ConfigureAwait(false);
        var result = await SendApiHttp.SubmitAsync(handler, kind, request.ToSendApiCall(_trustedProxies), request.Body, cancellationToken).ConfigureAwait(false);
        return await request.RespondAsync(result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/v1/messages/{id}</c>: per-recipient delivery status, or problem details.</summary>
    [Function("GetMessageStatus")]
    public async Task<HttpResponseData> StatusAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = StatusRoute)] HttpRequestData request,
        string id,
        CancellationToken cancellationToken)
    {
        var result = await handler.GetStatusAsync(request.ToSendApiCall(_trustedProxies), id, cancellationToken).ConfigureAwait(false);
        return await request.RespondAsync(result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/openapi.json</c>: the OpenAPI 3.1 document of this API (<see cref="SendApiOpenApi"/>, as the embedded host serves it).</summary>
    [Function("OpenApiDocument")]
    public Task<HttpResponseData> OpenApiAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = OpenApiRoute)] HttpRequestData request,
        CancellationToken cancellationToken) =>
        request.RespondAsync(SendApiOpenApi.ContentType, OpenApiDocument, cancellationToken);

    /// <summary>
    /// <c>GET /api/healthz</c>: liveness, 200 <c>ok</c> while the worker runs (as the embedded host answers); 503 with one
    /// line per problem when a Service Bus trigger cannot be bound (<see cref="ServiceBusTriggerBindings"/>, registered by
    /// the app), because the app then accepts mail it never routes.
    /// </summary>
    [Function("Health")]
    public async Task<HttpResponseData> HealthAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HealthRoute)] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (triggerBindings?.Problems is not { Count: > 0 } problems)
            return await request.RespondAsync(SendApiHttp.HealthContentType, HealthBody, cancellationToken).ConfigureAwait(false);
        var response = request.CreateResponse(System.Net.HttpStatusCode.ServiceUnavailable);
        response.Headers.Add("Content-Type", SendApiHttp.HealthContentType);
        await response.WriteStringAsync("unhealthy\n" + string.Concat(problems.Select(p => p + "\n")), cancellationToken).ConfigureAwait(false);
        return response;
    }
}
