using Azure.Messaging.ServiceBus;

namespace CloudMail.Storage.Azure.Tests.Queueing;

/// <summary>
/// An in-memory stand-in for a Service Bus namespace, reached only through subclasses of the SDK's own
/// mockable client types (<see cref="FakeServiceBusClient"/>, <see cref="FakeSender"/>, <see cref="FakeReceiver"/>,
/// <see cref="FakeAdministrationClient"/>), which hand out real <see cref="ServiceBusReceivedMessage"/>s built with
/// <see cref="ServiceBusModelFactory"/>. It models what the adapter relies on: duplicate detection by MessageId
/// (for the whole life of the fake, i.e. an unbounded window), scheduled enqueue, peek-lock with a fixed
/// <see cref="LockDuration"/> (Service Bus has no per-receive lock duration), delivery counts, MessageLockLost on
/// settling with a stale or unknown lock token, and a dead-letter sub-queue. It is not the broker: transactions
/// are not modelled (settlement and send just happen in order), nor are sessions, partitions, TTL expiry,
/// MaxDeliveryCount, throttling or the AMQP connection.
/// </summary>
public sealed class FakeServiceBus(TimeSpan lockDuration)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, QueueState> _queues = new(StringComparer.Ordinal);
    private long _sequence;

    public TimeSpan LockDuration { get; } = lockDuration;

    /// <summary>Every message a sender sent (including those dropped as duplicates), in order.</summary>
    public List<(string Queue, ServiceBusMessage Message)> Sent { get; } = [];

    /// <summary>Settlements that succeeded: ("complete" | "dead-letter", queue, MessageId).</summary>
    public List<(string Action, string Queue, string MessageId)> Settled { get; } = [];

    public void Send(string queue, ServiceBusMessage message)
    {
        lock (_gate)
        {
            Sent.Add((queue, message));
            QueueState state = Queue(queue);
            if (!state.SeenMessageIds.Add(message.MessageId)) return;
            DateTimeOffset now = DateTimeOffset.UtcNow;
            state.Active.Add(new Stored
            {
                Body = message.Body,
                MessageId = message.MessageId,
                ContentType = message.ContentType,
                Subject = message.Subject,
                Properties = new Dictionary<string, object>(message.ApplicationProperties),
                EnqueuedTime = now,
                VisibleAt = message.ScheduledEnqueueTime > now ? message.ScheduledEnqueueTime : now,
                SequenceNumber = ++_sequence,
            });
        }
    }

    public IReadOnlyList<ServiceBusReceivedMessage> Receive(string queue, int max)
    {
        lock (_gate)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var received = new List<ServiceBusReceivedMessage>();
            foreach (Stored stored in Queue(queue).Active.Where(s => s.VisibleAt <= now && (s.LockToken is null || s.LockedUntil < now)).Take(max).ToList())
            {
                stored.DeliveryCount++;
                stored.LockToken = Guid.NewGuid();
                stored.LockedUntil = now + LockDuration;
                received.Add(stored.ToReceived());
            }
            return received;
        }
    }

    public void Complete(string queue, ServiceBusReceivedMessage message) => Settle(queue, message, "complete", (_, _) => { });

    public void DeadLetter(string queue, ServiceBusReceivedMessage message, IDictionary<string, object>? properties, string? reason, string? description) =>
        Settle(queue, message, "dead-letter", (state, stored) =>
        {
            foreach (KeyValuePair<string, object> property in properties ?? new Dictionary<string, object>()) stored.Properties[property.Key] = property.Value;
            if (reason is not null) stored.Properties["DeadLetterReason"] = reason;
            if (description is not null) stored.Properties["DeadLetterErrorDescription"] = description;
            stored.LockToken = null;
            state.DeadLetters.Add(stored);
        });

    public IReadOnlyList<ServiceBusReceivedMessage> PeekDeadLetters(string queue, int max, long fromSequenceNumber)
    {
        lock (_gate)
        {
            return [.. Queue(queue).DeadLetters.Where(s => s.SequenceNumber >= fromSequenceNumber).OrderBy(s => s.SequenceNumber).Take(max).Select(s => s.ToReceived())];
        }
    }

    /// <summary>(active: visible or locked, scheduled: not yet visible, dead-lettered).</summary>
    public (long Active, long Scheduled, long DeadLettered) Counts(string queue)
    {
        lock (_gate)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            QueueState state = Queue(queue);
            long scheduled = state.Active.Count(s => s.VisibleAt > now);
            return (state.Active.Count - scheduled, scheduled, state.DeadLetters.Count);
        }
    }

    /// <summary>Puts a message with an arbitrary body on a queue (e.g. a poison message).</summary>
    public void SendRaw(string queue, BinaryData body, string messageId) => Send(queue, new ServiceBusMessage(body) { MessageId = messageId });

    private void Settle(string queue, ServiceBusReceivedMessage message, string action, Action<QueueState, Stored> apply)
    {
        lock (_gate)
        {
            QueueState state = Queue(queue);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            Stored? stored = state.Active.FirstOrDefault(s => s.LockToken?.ToString() == message.LockToken && s.LockedUntil >= now);
            if (stored is null)
            {
                throw new ServiceBusException("The lock supplied is invalid: it expired, or the message was received again or settled.",
                    ServiceBusFailureReason.MessageLockLost, queue);
            }
            state.Active.Remove(stored);
            apply(state, stored);
            Settled.Add((action, queue, stored.MessageId));
        }
    }

    private QueueState Queue(string name)
    {
        if (!_queues.TryGetValue(name, out QueueState? state)) _queues[name] = state = new QueueState();
        return state;
    }

    private sealed class QueueState
    {
        public List<Stored> Active { get; } = [];
        public List<Stored> DeadLetters { get; } = [];
        public HashSet<string> SeenMessageIds { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Stored
    {
        public required BinaryData Body { get; init; }
        public required string MessageId { get; init; }
        public string? ContentType { get; init; }
        public string? Subject { get; init; }
        public required Dictionary<string, object> Properties { get; init; }
        public DateTimeOffset EnqueuedTime { get; init; }
        public DateTimeOffset VisibleAt { get; init; }
        public long SequenceNumber { get; init; }
        public int DeliveryCount { get; set; }
        public Guid? LockToken { get; set; }
        public DateTimeOffset LockedUntil { get; set; }

        public ServiceBusReceivedMessage ToReceived() => ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: Body,
            messageId: MessageId,
            subject: Subject,
            contentType: ContentType,
            properties: new Dictionary<string, object>(Properties),
            lockTokenGuid: LockToken ?? default,
            deliveryCount: DeliveryCount,
            lockedUntil: LockedUntil,
            sequenceNumber: SequenceNumber,
            enqueuedTime: EnqueuedTime);
    }
}
