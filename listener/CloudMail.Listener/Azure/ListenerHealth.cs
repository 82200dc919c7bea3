using CloudMail.Core.Directory;
using CloudMail.Core.Blobs;
using CloudMail.Listener.Network;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Azure;

/// <summary>
/// Whether this listener should receive connections: healthy when the mail endpoints are bound, shutdown has not
/// begun (a draining replica answers 503 so the platform stops sending it work) and storage answers — one blob
/// existence check and one directory lookup, both point reads, within <see cref="HealthOptions.StorageTimeout"/>.
/// The Service Bus connection is not probed: the SDK connects lazily and a send failure already answers 451.
/// Answers are cached for <see cref="HealthOptions.CacheFor"/>.
/// </summary>
public sealed partial class ListenerHealth(
    EndpointListenerService listeners,
    IMessageBlobStore blobs,
    IMailDirectory directory,
    IHostApplicationLifetime lifetime,
    IOptions<HealthOptions> options,
    TimeProvider time,
    ILogger<ListenerHealth> logger)
{
    /// <summary>Name probed in the blob store and the directory; it never exists.</summary>
    public const string ProbeName = "healthz.invalid";

    private readonly SemaphoreSlim _checking = new(1, 1);
    private (HealthReport Report, DateTimeOffset At)? _last;

    /// <summary>The current state; never throws (a failing check is an unhealthy report).</summary>
    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return new HealthReport(false, "draining");
        if (listeners.BoundPorts.Count == 0) return new HealthReport(false, "listeners not bound");
        await _checking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_last is { } last && now - last.At < options.Value.CacheFor) return last.Report;
            var report = await CheckStorageAsync(cancellationToken).ConfigureAwait(false);
            _last = (report, now);
            return report;
        }
        finally
        {
            _checking.Release();
        }
    }

    private async Task<HealthReport> CheckStorageAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.StorageTimeout);
        try
        {
            await blobs.ExistsAsync(ProbeName, timeout.Token).ConfigureAwait(false);
            await directory.IsLocalDomainAsync(ProbeName, timeout.Token).ConfigureAwait(false);
            return new HealthReport(true, "ok");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogStorageUnhealthy("timeout");
            return new HealthReport(false, "storage did not answer in time");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A probe's job is to report, not to throw: any storage failure means "not ready".
            LogStorageUnhealthy(e.GetType().Name);
            return new HealthReport(false, "storage unreachable: " + e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check: storage unhealthy ({Reason})")]
    private partial void LogStorageUnhealthy(string reason);
}

/// <summary>One health answer: <paramref name="Healthy"/> becomes 200 or 503, <paramref name="Detail"/> the text body.</summary>
public sealed record HealthReport(bool Healthy, string Detail);
