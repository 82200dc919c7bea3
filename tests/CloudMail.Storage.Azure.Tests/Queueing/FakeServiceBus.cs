using Azure.Messaging.ServiceBus;

namespace CloudMail.Storage.Azure.Tests.Queueing;

/// <summary>
/// An in-memory stand-in for a Service Bus namespace, reached only through subclasses of the SDK's own
/// mockable client types (<see cref="FakeServiceBusClient"/>, <see cref="FakeSender"/>),
/// which hand out real <see cref="ServiceBusReceivedMessage"/>s built with <see cref="ServiceBusModelFactory"/>. It
/// models what the producer adapter relies on and what a consumer sees: duplicate detection by MessageId (for the
/// whole life of the fake, i.e. an unbounded window), scheduled enqueue, peek-lock receives with a fixed
/// <see cref="LockDuration"/> and delivery counts, and injected send failures (<see cref="FailSendsWith"/>). It is not
/// the broker: settlement, sessions, partitions, TTL expiry, MaxDeliveryCount, throttling and the AMQP connection are
/// not modelled. Its time is <paramref name="time"/>'s (the system's when null).
/// </summary>
public sealed class FakeServiceBus(TimeSpan lockDuration, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, QueueState> _queues = new(StringComparer.Ordinal);
    private long _sequence;

    public TimeSpan LockDuration { get; } = lockDuration;

    /// <summary>Every message a sender sent (including those dropped as duplicates), in order.</summary>
    public List<(string Queue, ServiceBusMessage Message)> Sent { get; } = [];

    /// <summary>When set, every send throws it (as the SDK would for a broker failure) and stores nothing.</summary>
    public Exception? FailSendsWith { get; set; }

    public void Send(string queue, ServiceBusMessage message)
    {
        lock (_gate)
        {
            if (FailSendsWith is { } failure) throw failure;
            Sent.Add((queue, message));
            QueueState state = Queue(queue);
            if (!state.SeenMessageIds.Add(message.MessageId)) return;
            DateTimeOffset now = _time.GetUtcNow();
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
            DateTimeOffset now = _time.GetUtcNow();
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

    /// <summary>(active: visible or locked, scheduled: not yet visible).</summary>
    public (long Active, long Scheduled) Counts(string queue)
    {
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            QueueState state = Queue(queue);
            long scheduled = state.Active.Count(s => s.VisibleAt > now);
            return (state.Active.Count - scheduled, scheduled);
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
