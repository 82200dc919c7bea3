using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using CloudMail.Storage.Azure.EventGrid;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMail.Functions.Tests.Support;

/// <summary>
/// STANDS IN FOR AN EVENT GRID TOPIC (there is no Event Grid emulator): a real HTTPS server (Kestrel, self-signed
/// certificate for 127.0.18.x) that implements the topic's publish endpoint as the SDK's <c>EventGridPublisherClient</c>
/// calls it: <c>POST /api/events?api-version=…</c> with <c>Content-Type: application/cloudevents-batch+json</c> and
/// <c>Authorization: Bearer {token}</c>. A request without the token of <see cref="Credential"/> gets 401, another
/// content type 415, a body that is not a JSON array 400; otherwise the events are recorded and the next scripted status
/// (else 200) is answered. <see cref="Connection"/> is what the app is given: the stub credential and a transport that
/// trusts exactly this server's certificate.
/// </summary>
public sealed class EventGridTopicStandIn : IAsyncDisposable
{
    public const string Token = "stub-token-for-eventgrid";
    public const string Scope = "https://eventgrid.azure.net/.default";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly List<JsonElement> _events = [];
    private readonly List<string> _rejected = [];
    private readonly Queue<int> _script = new();

    private EventGridTopicStandIn(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    /// <summary>The topic endpoint to configure (<c>CloudMail:Events:EventGrid:Endpoint</c>).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>The stub managed identity: hands out <see cref="Token"/> for <see cref="Scope"/> only.</summary>
    public StubCredential Credential { get; } = new();

    /// <summary>Every CloudEvent accepted with a 2xx, oldest first.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get { lock (_events) return [.. _events]; }
    }

    /// <summary>Why requests were refused (401/415/400), oldest first.</summary>
    public IReadOnlyList<string> Rejected
    {
        get { lock (_rejected) return [.. _rejected]; }
    }

    /// <summary>How many publish requests arrived (any answer).</summary>
    public int Requests { get; private set; }

    /// <summary>Answers the next requests with <paramref name="statuses"/> (then 200 again).</summary>
    public void Script(params int[] statuses)
    {
        lock (_script) foreach (int s in statuses) _script.Enqueue(s);
    }

    /// <summary>The credential and a transport that trusts this server's certificate only.</summary>
    public EventGridConnection Connection => new(Credential, new HttpClientTransport(new HttpClient(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == _certificate.GetCertHashString(),
        },
    })));

    public static async Task<EventGridTopicStandIn> StartAsync(string address = "127.0.18.1")
    {
        X509Certificate2 certificate = SelfSigned(address);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(address), 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var standIn = new EventGridTopicStandIn(app, certificate);
        app.MapPost("/api/events", (Delegate)standIn.PublishAsync);
        await app.StartAsync();
        var server = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        string url = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single();
        standIn.Endpoint = url.TrimEnd('/') + "/api/events";
        return standIn;
    }

    private async Task<IResult> PublishAsync(HttpContext context)
    {
        lock (_events) Requests++;
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + Token) return Reject(401, "no valid bearer token");
        if (!context.Request.ContentType?.StartsWith("application/cloudevents-batch+json", StringComparison.Ordinal) ?? true)
            return Reject(415, "content type " + context.Request.ContentType);
        if (context.Request.Query["api-version"].Count == 0) return Reject(400, "no api-version");
        JsonElement batch;
        try
        {
            batch = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Reject(400, "not JSON: " + e.Message);
        }
        if (batch.ValueKind != JsonValueKind.Array) return Reject(400, "not a batch");
        int status;
        lock (_script) status = _script.Count > 0 ? _script.Dequeue() : 200;
        if (status is >= 200 and < 300)
        {
            lock (_events) _events.AddRange(batch.EnumerateArray());
        }
        return Results.StatusCode(status);
    }

    private IResult Reject(int status, string why)
    {
        lock (_rejected) _rejected.Add(why);
        return Results.StatusCode(status);
    }

    private static X509Certificate2 SelfSigned(string address)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + address, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Parse(address));
        request.CertificateExtensions.Add(san.Build());
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    /// <summary>The stub of the app's managed identity: a fixed token for the Event Grid scope, and records each request.</summary>
    public sealed class StubCredential : TokenCredential
    {
        private readonly List<string> _scopes = [];

        public IReadOnlyList<string> ScopesRequested
        {
            get { lock (_scopes) return [.. _scopes]; }
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (_scopes) _scopes.AddRange(requestContext.Scopes);
            if (!requestContext.Scopes.SequenceEqual([Scope])) throw new InvalidOperationException("unexpected scopes " + string.Join(" ", requestContext.Scopes));
            return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
