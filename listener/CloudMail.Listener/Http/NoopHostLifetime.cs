using CloudMail.SendApi;
using Microsoft.Extensions.Hosting;

namespace CloudMail.Listener.Http;

/// <summary>
/// Lifetime of the inner web application: it does nothing, so only the outer <c>serve</c> host listens for
/// SIGTERM/Ctrl+C and the web application is started and stopped by <see cref="HttpApiHostedService"/> alone.
/// </summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
