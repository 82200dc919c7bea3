using System.Collections.Concurrent;
using System.Text.Json;
using System.Transactions;
using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Queueing;

/// <summary>
/// <see cref="IMailQueue"/> on Azure Service Bus queues (names: <see cref="QueueNames"/>, declared in <c>infra/</c>
/// with duplicate detection, a lock duration and a dead-letter queue). Message format: <see cref="ServiceBusJobMessages"/>.
/// <list type="bullet">
/// <item>Enqueue sends with MessageId = JobId, so a second enqueue of the same job within the queue's duplicate
/// detection window is dropped by the broker; <c>notBefore</c> becomes the message's ScheduledEnqueueTime.</item>
/// <item>Lease receives in peek-lock mode. The lease lasts the queue's LockDuration (infra: PT5M): Service Bus
/// has no per-receive lock duration, so the <c>leaseDuration</c> argument is not applied. The token is the
/// message's lock token; the received message is kept in a bounded registry
/// (<see cref="AzureStorageOptions.MaxLeasedMessages"/>) for settlement by this process.</item>
/// <item>Retry completes the message and sends a copy scheduled for later with a new MessageId and the delivery
/// count carried in application properties, both inside one Service Bus transaction (Standard tier and up), so
/// the job is neither lost nor doubled. Abandon cannot be delayed (it makes the message visible at once),
/// which is why a copy is scheduled instead.</item>
/// <item>Dead letter moves the message to the queue's dead-letter sub-queue with the reason.</item>
/// <item>Settling a lease this process does not hold, or whose lock was lost (expired and re-received),
/// returns false.</item>
/// <item><see cref="CountAsync"/> reads the queue's runtime properties through <see cref="ServiceBusAdministrationClient"/>,
/// which needs the Manage right (role "Azure Service Bus Data Owner"); without an administration client it
/// throws <see cref="NotSupportedException"/>.</item>
/// </list>
/// </summary>
public sealed partial class ServiceBusMailQueue : IMailQueue, IAsyncDisposable
{
    private readonly ServiceBusClient _client;
    private readonly ServiceBusAdministrationClient? _administration;
    private readonly AzureStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeaseRegistry _leases;
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServiceBusReceiver> _receivers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServiceBusReceiver> _deadLetterReceivers = new(StringComparer.Ordinal);

    /// <param name="administration">For <see cref="CountAsync"/> only; may be null.</param>
    public ServiceBusMailQueue(ServiceBusClient client, ServiceBusAdministrationClient? administration, AzureStorageOptions options,
        TimeProvider time, ILogger<ServiceBusMailQueue> logger)
    {
        _client = client;
        _administration = administration;
        _options = options;
        _time = time;
        _logger = logger;
        _leases = new LeaseRegistry(options.MaxLeasedMessages, time);
    }

    /// <summary>Durable when the send returns (the broker has stored the message).</summary>
    public async Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        DateTimeOffset now = _time.GetUtcNow();
        ServiceBusMessage message = ServiceBusJobMessages.ForEnqueue(job, now);
        if (notBefore > now) message.ScheduledEnqueueTime = notBefore.Value;
        await Sender(queue).SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        LogEnqueued(_logger, queue, job.JobId, job.MessageId, notBefore);
    }

    /// <summary>
    /// Receives up to <paramref name="maxJobs"/> messages, waiting at most <see cref="AzureStorageOptions.ServiceBusReceiveWait"/>.
    /// A message whose body is not a job is dead-lettered at once with the reason (never returned, never dropped).
    /// </summary>
    public async Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int maxJobs, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxJobs);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        int reserved = _leases.Reserve(maxJobs);
        if (reserved == 0)
        {
            LogRegistryFull(_logger, queue, _leases.Count);
            return [];
        }
        var leased = new List<LeasedJob>();
        var kept = new List<ServiceBusReceivedMessage>();
        try
        {
            ServiceBusReceiver receiver = Receiver(queue);
            IReadOnlyList<ServiceBusReceivedMessage> messages =
                await receiver.ReceiveMessagesAsync(reserved, _options.ServiceBusReceiveWait, cancellationToken).ConfigureAwait(false);
            foreach (ServiceBusReceivedMessage message in messages)
            {
                MailJob job;
                try
                {
                    job = ServiceBusJobMessages.ReadJob(message);
                }
                catch (JsonException e)
                {
                    string reason = ServiceBusJobMessages.Truncate("CloudMail: message body is not a MailJob: " + e.Message);
                    LogPoison(_logger, queue, message.MessageId, message.SequenceNumber, e.Message);
                    await receiver.DeadLetterMessageAsync(message, DeadLetterProperties(), reason, null, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                kept.Add(message);
                leased.Add(new LeasedJob(job, message.LockToken, ServiceBusJobMessages.DeliveryCount(message), ServiceBusJobMessages.EnqueuedAt(message)));
            }
        }
        finally
        {
            _leases.Complete(reserved, queue, kept);
        }
        return leased;
    }

    public Task<bool> CompleteAsync(string queue, LeasedJob job, CancellationToken cancellationToken) =>
        SettleAsync(queue, job, "complete", (receiver, message, ct) => receiver.CompleteMessageAsync(message, ct), cancellationToken);

    /// <summary>Completes the message and schedules a copy at now + <paramref name="retryAfter"/>, in one transaction.</summary>
    public Task<bool> RetryAsync(string queue, LeasedJob job, TimeSpan retryAfter, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        DateTimeOffset visibleAt = _time.GetUtcNow() + (retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);
        return SettleAsync(queue, job, "retry", async (receiver, message, ct) =>
        {
            ServiceBusMessage copy = ServiceBusJobMessages.ForRetry(message, job.Job.JobId, visibleAt, reason);
            using var transaction = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
            await receiver.CompleteMessageAsync(message, ct).ConfigureAwait(false);
            await Sender(queue).SendMessageAsync(copy, ct).ConfigureAwait(false);
            transaction.Complete();
            LogRetried(_logger, queue, job.Job.JobId, job.DeliveryCount, visibleAt, reason);
        }, cancellationToken);
    }

    public Task<bool> DeadLetterAsync(string queue, LeasedJob job, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return SettleAsync(queue, job, "dead-letter", async (receiver, message, ct) =>
        {
            await receiver.DeadLetterMessageAsync(message, DeadLetterProperties(), ServiceBusJobMessages.Truncate(reason), null, ct).ConfigureAwait(false);
            LogDeadLettered(_logger, queue, job.Job.JobId, job.DeliveryCount, reason);
        }, cancellationToken);
    }

    /// <summary>Active (waiting or locked) plus scheduled messages, from the queue's runtime properties.</summary>
    public async Task<int> CountAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        if (_administration is null)
        {
            throw new NotSupportedException("Counting Service Bus messages needs a ServiceBusAdministrationClient (Manage right / 'Azure Service Bus Data Owner').");
        }
        QueueRuntimeProperties properties = (await _administration.GetQueueRuntimePropertiesAsync(queue, cancellationToken).ConfigureAwait(false)).Value;
        return checked((int)(properties.ActiveMessageCount + properties.ScheduledMessageCount));
    }

    /// <summary>Peeks (does not remove) the oldest dead-lettered jobs; undecodable bodies are skipped.</summary>
    public async Task<IReadOnlyList<DeadLetteredJob>> ListDeadLettersAsync(string queue, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        ServiceBusReceiver receiver = _deadLetterReceivers.GetOrAdd(queue,
            q => _client.CreateReceiver(q, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock }));
        var jobs = new List<DeadLetteredJob>();
        long next = 0;
        while (jobs.Count < max)
        {
            // An explicit sequence number each time: a receiver's peek cursor would otherwise carry over between calls.
            IReadOnlyList<ServiceBusReceivedMessage> page = await receiver.PeekMessagesAsync(max - jobs.Count, next, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0) break;
            foreach (ServiceBusReceivedMessage message in page)
            {
                next = Math.Max(next, message.SequenceNumber + 1);
                try
                {
                    jobs.Add(new DeadLetteredJob(ServiceBusJobMessages.ReadJob(message), message.DeadLetterReason ?? "", ServiceBusJobMessages.DeliveryCount(message),
                        DeadLetteredAt(message)));
                }
                catch (JsonException)
                {
                    // A poison message (the reason says so); it is not a job and cannot be listed as one.
                }
            }
        }
        return jobs;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceBusSender sender in _senders.Values) await sender.DisposeAsync().ConfigureAwait(false);
        foreach (ServiceBusReceiver receiver in _receivers.Values.Concat(_deadLetterReceivers.Values)) await receiver.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<bool> SettleAsync(string queue, LeasedJob job, string action,
        Func<ServiceBusReceiver, ServiceBusReceivedMessage, CancellationToken, Task> settle, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(job);
        if (!_leases.TryGet(queue, job.LeaseToken, out ServiceBusReceivedMessage message)) return false;
        try
        {
            await settle(Receiver(queue), message, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceBusException e) when (e.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.MessageNotFound)
        {
            LogLockLost(_logger, queue, job.Job.JobId, action);
            _leases.Remove(queue, job.LeaseToken);
            return false;
        }
        _leases.Remove(queue, job.LeaseToken);
        return true;
    }

    private Dictionary<string, object> DeadLetterProperties() =>
        new() { [ServiceBusJobMessages.DeadLetteredAtProperty] = _time.GetUtcNow().ToUnixTimeMilliseconds() };

    private static DateTimeOffset DeadLetteredAt(ServiceBusReceivedMessage message) =>
        message.ApplicationProperties.TryGetValue(ServiceBusJobMessages.DeadLetteredAtProperty, out object? value) && value is not null
            ? DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture))
            : message.EnqueuedTime;

    private ServiceBusSender Sender(string queue) => _senders.GetOrAdd(queue, q => _client.CreateSender(q));

    private ServiceBusReceiver Receiver(string queue) => _receivers.GetOrAdd(queue,
        q => _client.CreateReceiver(q, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = 0 }));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Enqueued job {JobId} (message {MessageId}) on {Queue}, not before {NotBefore}")]
    private static partial void LogEnqueued(ILogger logger, string queue, string jobId, string messageId, DateTimeOffset? notBefore);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rescheduled job {JobId} on {Queue} after {Deliveries} deliveries for {VisibleAt}: {Reason}")]
    private static partial void LogRetried(ILogger logger, string queue, string jobId, int deliveries, DateTimeOffset visibleAt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered job {JobId} on {Queue} after {Deliveries} deliveries: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string queue, string jobId, int deliveries, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered undecodable message {MessageId} (sequence {SequenceNumber}) on {Queue}: {Error}")]
    private static partial void LogPoison(ILogger logger, string queue, string messageId, long sequenceNumber, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not {Action} job {JobId} on {Queue}: the lock was lost (expired or re-received)")]
    private static partial void LogLockLost(ILogger logger, string queue, string jobId, string action);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not leasing from {Queue}: {Leased} messages are leased and unsettled (MaxLeasedMessages)")]
    private static partial void LogRegistryFull(ILogger logger, string queue, int leased);
}
