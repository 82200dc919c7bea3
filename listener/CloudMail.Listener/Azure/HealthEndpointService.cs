using System.Net;
using System.Text;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Azure;

/// <summary>
/// Serves <c>GET /healthz</c> (<see cref="ListenerHealth"/>: 200 <c>ok</c> or 503 with the reason, plain text) on
/// <see cref="HealthOptions.Port"/> with a minimal Kestrel application of its own, started and stopped with the outer
/// host. Any other path is 404. Port -1 disables it.
/// </summary>
public sealed partial class HealthEndpointService(
    IOptions<HealthOptions> healthOptions,
    IOptions<CloudMailOptions> serverOptions,
    ListenerHealth health,
    ILoggerFactory loggerFactory,
    ILogger<HealthEndpointService> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The bound port once started; null when disabled or not started.</summary>
    public int? BoundPort { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = healthOptions.Value;
        if (o.Port < 0) return;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "cloudmail-health",
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = 16;
            kestrel.Listen(Network.ListenAddress.Of(serverOptions.Value.ListenAddress), o.Port);
        });
        builder.Logging.ClearProviders().AddProvider(new ForwardingLoggerProvider(loggerFactory))
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        _app = builder.Build();
        _app.Run(AnswerAsync);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        BoundPort = new Uri(addresses.Addresses.First()).Port;
        LogListening(Network.ListenAddress.WithPort(Network.ListenAddress.Of(serverOptions.Value.ListenAddress), BoundPort.Value));
    }

    private async Task AnswerAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            || context.Request.Path != HealthOptions.Path)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var report = await health.CheckAsync(context.RequestAborted).ConfigureAwait(false);
        byte[] body = Encoding.UTF8.GetBytes(report.Detail + "\n");
        context.Response.StatusCode = report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        if (HttpMethods.IsGet(context.Request.Method)) await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for health probes on {EndPoint}")]
    private partial void LogListening(string endPoint);
}
