using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Functions.Health;

/// <summary>
/// At start: logs an error for every problem <see cref="ServiceBusTriggerBindings"/> finds (the app keeps running, so the
/// HTTP functions still answer and the health endpoint, <c>GET /api/healthz</c>, reports 503 with the problems).
/// </summary>
public sealed partial class ServiceBusTriggerSelfCheck(ServiceBusTriggerBindings bindings, ILogger<ServiceBusTriggerSelfCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (string problem in bindings.Problems) LogNotBound(problem);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "Service Bus trigger not bound, mail will not be routed: {Problem}. Build and publish with the official Microsoft.Azure.Functions.Worker.Extensions.ServiceBus package (the default; never -p:UseOfficialServiceBusExtension=false for a deployment)")]
    private partial void LogNotBound(string problem);
}

/// <summary>Registers the start-up check of the Service Bus trigger bindings.</summary>
public static class ServiceBusTriggerSelfCheckServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ServiceBusTriggerBindings"/> over this app's assembly and <see cref="AppContext.BaseDirectory"/> (where
    /// the Functions host loads functions.metadata and extensions.json from), and the <see cref="ServiceBusTriggerSelfCheck"/>
    /// that logs its problems at start.
    /// </summary>
    public static IServiceCollection AddCloudMailServiceBusTriggerCheck(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => new ServiceBusTriggerBindings(typeof(ServiceBusTriggerSelfCheck).Assembly, AppContext.BaseDirectory));
        services.AddHostedService<ServiceBusTriggerSelfCheck>();
        return services;
    }
}
