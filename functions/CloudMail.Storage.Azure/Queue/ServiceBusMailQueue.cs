using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using CloudMail.Core.Failures;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Queue;

/// <summary>
/// <see cref="IMailQueue"/> (the producer side) on Azure Service Bus queues (names: <see cref="QueueNames"/>, declared in
/// <c>infra/</c> with duplicate detection, a lock duration and a dead-letter queue). Message format:
/// <see cref="ServiceBusJobMessages"/>. Enqueue sends with MessageId = JobId, so a second enqueue of the same job within
/// the queue's duplicate detection window is dropped by the broker; <c>notBefore</c> becomes the message's
/// ScheduledEnqueueTime. Consuming is the Functions host's: its triggers receive the messages and settle them
/// (<c>ServiceBusStageInvoker</c>); there is no lease API here. A send failure that the SDK calls transient
/// (<see cref="ServiceBusException.IsTransient"/>) is thrown as <see cref="TransientStorageException"/>.
/// </summary>
public sealed partial class ServiceBusMailQueue(ServiceBusClient client, TimeProvider time, ILogger<ServiceBusMailQueue> logger)
    : IMailQueue, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    /// <summary>Durable when the send returns (the broker has stored the message).</summary>
    public async Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        DateTimeOffset now = time.GetUtcNow();
        ServiceBusMessage message = ServiceBusJobMessages.ForEnqueue(job, now);
        if (notBefore > now) message.ScheduledEnqueueTime = notBefore.Value;
        await ServiceBusFailures.TranslateAsync(() => _senders.GetOrAdd(queue, client.CreateSender).SendMessageAsync(message, cancellationToken))
            .ConfigureAwait(false);
        LogEnqueued(logger, queue, job.JobId, job.MessageId, notBefore);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceBusSender sender in _senders.Values) await sender.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Enqueued job {JobId} (message {MessageId}) on {Queue}, not before {NotBefore}")]
    private static partial void LogEnqueued(ILogger logger, string queue, string jobId, string messageId, DateTimeOffset? notBefore);
}
