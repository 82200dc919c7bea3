using System.Net;
using System.Net.Security;
using System.Text.Json;
using CloudMail.Core.Directory;
using CloudMail.Core.DnsSetup;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Http.ClientSetup;
using CloudMail.Listener.Tls;
using CloudMail.SendApi;
using CloudMail.Storage.Embedded.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Http;

/// <summary>
/// Runs the HTTP endpoint inside <c>serve</c> (send API, admin API, web console under /admin, client setup): a small Kestrel web application of its own (no configuration
/// sources, no console lifetime) started and stopped with the outer host, so <c>serve</c> stays one process
/// and SIGTERM drains in-flight requests. After binding it writes DataDirectory/listening-http.json
/// (<c>{"http": port}</c>) for tests and scripts that use port 0. Port -1 disables it.
/// </summary>
internal sealed partial class HttpApiHostedService(
    IOptions<HttpOptions> httpOptions,
    IOptions<CloudMailOptions> serverOptions,
    IOptions<SendApiOptions> sendApiOptions,
    SendApiHandler handler,
    AdminApi.AdminApiHandler adminHandler,
    AdminApi.WebConsole.ConsoleHandler consoleHandler,
    IOptions<AdminApi.WebConsole.ConsoleOptions> consoleOptions,
    IMailDirectory directory,
    Core.Auth.Authenticator authenticator,
    IOptions<MtaStsPublishingOptions> mtaStsOptions,
    Network.EndpointListenerService listeners,
    TlsCertificateProvider certificates,
    ILoggerFactory loggerFactory,
    ILogger<HttpApiHostedService> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>File in the data directory that names the bound port.</summary>
    public const string ListeningFileName = "listening-http.json";

    private WebApplication? _app;

    /// <summary>The bound port once started; null when disabled or not started.</summary>
    public int? BoundPort { get; private set; }

    /// <summary>The endpoints the running application maps (none when disabled or not started).</summary>
    internal IEnumerable<Endpoint> Endpoints =>
        _app is null ? [] : ((IEndpointRouteBuilder)_app).DataSources.SelectMany(source => source.Endpoints);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var http = httpOptions.Value;
        var server = serverOptions.Value;
        string listening = Path.Combine(DataFolder.Prepare(server.DataDirectory), ListeningFileName);
        File.Delete(listening);
        if (http.Port < 0)
        {
            LogDisabled();
            return;
        }
        _app = Build(http, server, sendApiOptions.Value);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        BoundPort = BoundPortOf(_app);
        LogListening(Network.ListenAddress.WithPort(Network.ListenAddress.Of(server.ListenAddress), BoundPort.Value), http.Tls ? "https" : "http");
        await DataFolder.WriteFileAsync(listening, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, int> { ["http"] = BoundPort.Value }), cancellationToken).ConfigureAwait(false);
    }

    private WebApplication Build(HttpOptions http, CloudMailOptions server, SendApiOptions limits)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "cloudmail-http",
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // A backstop only: the handler stops reading at MaxRequestSize and answers 413 itself, so Kestrel's
            // limit sits a little above it (its own 413 would surface as an unreadable body).
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestSize + 1024 * 1024;
            kestrel.Limits.MaxConcurrentConnections = server.MaxConnectionsPerEndpoint;
            kestrel.Limits.RequestHeadersTimeout = http.RequestHeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(http.MinRequestBodyDataRate, TimeSpan.FromSeconds(5));
            kestrel.Listen(Network.ListenAddress.Of(server.ListenAddress), http.Port, listen =>
            {
                // The current certificate and its chain per connection (rotation without a restart; see TlsCertificateProvider).
                if (http.Tls) listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = certificates.Context,
                        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                    }),
                });
            });
        });
        builder.Services.AddRoutingCore();
        // Events go to the outer host's logging; ASP.NET Core's per-request information events are dropped.
        builder.Logging.ClearProviders().AddProvider(new ForwardingLoggerProvider(loggerFactory))
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = server.DrainTimeout);
        var app = builder.Build();
        app.UseRouting();
        ClientSetupEndpoints.Map(app, directory, server, mtaStsOptions.Value, new AdvertisedPorts(serverOptions, listeners), authenticator);
        AdminApiEndpoints.Map(app, adminHandler);
        if (consoleOptions.Value.Enabled) ConsoleEndpoints.Map(app, consoleHandler);
        SendApiEndpoints.Map(app, handler, limits);
        return app;
    }

    private static int BoundPortOf(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new Uri(addresses.Addresses.First()).Port;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync().ConfigureAwait(false);
        _app = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for HTTP API on {EndPoint} ({Scheme})")]
    private partial void LogListening(string endPoint, string scheme);

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP API disabled (CloudMail:Ports:Http = -1)")]
    private partial void LogDisabled();
}
