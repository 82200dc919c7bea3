using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace CloudMail.Storage.Azure.Queue;

/// <summary>
/// Sends the retry copy of a job message that a host received and settles itself (the Functions triggers, which get
/// messages from the Functions host rather than from <see cref="ServiceBusMailQueue"/>), in the one format
/// <see cref="ServiceBusJobMessages.ForRetry"/> defines: same body and JobId, MessageId <c>{JobId}~r{n}</c>, the delivery
/// count and first enqueue time in application properties, scheduled for later. The caller completes the received
/// message after the send returns; since that cannot be one transaction with the send, a crash in between delivers the
/// message again, and the copy sent for it again has the same MessageId, which duplicate detection drops.
/// </summary>
public sealed class ServiceBusRetrySender(ServiceBusClient client) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    /// <summary>
    /// Durably schedules a copy of <paramref name="received"/> (whose body holds job <paramref name="jobId"/>) on
    /// <paramref name="queue"/>, visible at <paramref name="visibleAt"/>, with <paramref name="reason"/> recorded. Send
    /// failures propagate, transient ones as <see cref="Core.Failures.TransientStorageException"/> (<see cref="ServiceBusFailures"/>).
    /// </summary>
    public Task SendAsync(string queue, ServiceBusReceivedMessage received, string jobId, DateTimeOffset visibleAt, string reason,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ServiceBusMessage copy = ServiceBusJobMessages.ForRetry(received, jobId, visibleAt, reason);
        return ServiceBusFailures.TranslateAsync(() => _senders.GetOrAdd(queue, client.CreateSender).SendMessageAsync(copy, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceBusSender sender in _senders.Values) await sender.DisposeAsync().ConfigureAwait(false);
    }
}
