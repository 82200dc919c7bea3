using Azure.Messaging.ServiceBus;
using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Queue;

namespace CloudMail.Storage.Azure.Tests.Queueing;

/// <summary>
/// <see cref="ServiceBusDeadLetters"/> over the SDK's mockable client, receiver and sender types (<see cref="DeadLetterBus"/>)
/// handing out real <see cref="ServiceBusReceivedMessage"/>s from <see cref="ServiceBusModelFactory"/>: there is no Service
/// Bus emulator here, so what the broker does (dead-letter reason properties, peek-lock, complete, abandon) is modelled
/// as far as the adapter relies on it, not tested against the service.
/// </summary>
public sealed class ServiceBusDeadLettersTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstEnqueued = Now.AddHours(-5);

    private readonly DeadLetterBus _bus = new();
    private readonly ServiceBusDeadLetters _deadLetters;

    public ServiceBusDeadLettersTests() => _deadLetters = new ServiceBusDeadLetters(_bus.Client, new FixedTime(Now));

    private static MailJob Job(string recipient)
    {
        string id = MessageIds.New();
        return new MailJob(id + ":outbound", id, new BlobRef(id, 100, new string('0', 64)),
            new Envelope("alice@a.test", [recipient], "alice@a.test", "192.0.2.1", "client.a.test", FirstEnqueued), [recipient]);
    }

    /// <summary>A dead letter as the broker holds it: the job message after <paramref name="priorDeliveries"/> + <paramref name="deliveries"/> tries.</summary>
    private ServiceBusReceivedMessage AddDeadLetter(MailJob job, string reason, string description, int priorDeliveries = 2, int deliveries = 3)
    {
        ServiceBusMessage sent = ServiceBusJobMessages.ForEnqueue(job, FirstEnqueued);
        var properties = new Dictionary<string, object>(sent.ApplicationProperties)
        {
            [ServiceBusJobMessages.PriorDeliveriesProperty] = priorDeliveries,
            ["DeadLetterReason"] = reason,
            ["DeadLetterErrorDescription"] = description,
        };
        return _bus.Add(QueueNames.Outbound, sent.Body, ServiceBusJobMessages.MessageIdFor(job.JobId, priorDeliveries), properties, deliveries);
    }

    [Fact]
    public async Task Peek_shows_reason_description_enqueued_time_attempts_and_ids_and_leaves_the_dead_letters_in_place()
    {
        MailJob job = Job("carol@c.test");
        ServiceBusReceivedMessage dead = AddDeadLetter(job, "Failed", "550 5.1.1 no such user");
        AddDeadLetter(Job("dave@d.test"), "MaxDeliveryCountExceeded", "10 deliveries");

        var letters = await _deadLetters.PeekAsync(QueueNames.Outbound, 10, CancellationToken.None);

        Assert.Equal(2, letters.Count);
        DeadLetter first = letters[0];
        Assert.Equal((QueueNames.Outbound, dead.MessageId, job.MessageId, "Failed", "550 5.1.1 no such user", FirstEnqueued, 5),
            (first.Queue, first.Id, first.MessageId, first.Reason, first.Description, first.EnqueuedAt, first.Attempts));
        Assert.Equal(["carol@c.test"], letters[0].Recipients);
        Assert.Equal("MaxDeliveryCountExceeded", letters[1].Reason);
        Assert.Equal(2, (await _deadLetters.PeekAsync(QueueNames.Outbound, 10, CancellationToken.None)).Count);
        Assert.Single(await _deadLetters.PeekAsync(QueueNames.Outbound, 1, CancellationToken.None));
        Assert.Empty(await _deadLetters.PeekAsync(QueueNames.Inbound, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_dead_letter_whose_body_is_not_a_job_is_listed_without_a_message_id()
    {
        _bus.Add(QueueNames.Inbound, BinaryData.FromString("not json"), "poison-1",
            new Dictionary<string, object> { ["DeadLetterReason"] = "Poison", ["DeadLetterErrorDescription"] = "body is not a MailJob" }, 1);

        DeadLetter letter = Assert.Single(await _deadLetters.PeekAsync(QueueNames.Inbound, 10, CancellationToken.None));

        Assert.Equal(("poison-1", null, "Poison", 1), (letter.Id, letter.MessageId, letter.Reason, letter.Attempts));
        Assert.Empty(letter.Recipients);
    }

    [Fact]
    public async Task Replay_sends_a_copy_with_a_fresh_message_id_and_a_reset_count_then_completes_the_dead_letter()
    {
        ServiceBusReceivedMessage before = AddDeadLetter(Job("bob@b.test"), "Failed", "first");
        MailJob job = Job("carol@c.test");
        ServiceBusReceivedMessage dead = AddDeadLetter(job, "Failed", "storage unavailable");
        ServiceBusReceivedMessage after = AddDeadLetter(Job("dave@d.test"), "Failed", "last");

        Assert.True(await _deadLetters.ReplayAsync(QueueNames.Outbound, dead.MessageId, CancellationToken.None));

        (string queue, ServiceBusMessage copy) = Assert.Single(_bus.Sent);
        Assert.Equal(QueueNames.Outbound, queue);
        Assert.NotEqual(dead.MessageId, copy.MessageId);
        Assert.StartsWith(dead.MessageId + "~replay", copy.MessageId, StringComparison.Ordinal);
        Assert.Equal(job, ServiceBusJobMessages.ReadJob(FakeReceived(copy)) with { Envelope = job.Envelope, Recipients = job.Recipients });
        Assert.Equal(0, copy.ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty]);
        Assert.Equal(FirstEnqueued.ToUnixTimeMilliseconds(), Convert.ToInt64(copy.ApplicationProperties[ServiceBusJobMessages.EnqueuedAtProperty], System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("DeadLetterReason", copy.ApplicationProperties.Keys);
        Assert.DoesNotContain("DeadLetterErrorDescription", copy.ApplicationProperties.Keys);
        // The replayed dead letter is gone; the others were abandoned, unlocked and still there.
        Assert.Equal([before.MessageId, after.MessageId], _bus.MessageIds(QueueNames.Outbound));
        Assert.False(_bus.AnyLocked);
    }

    [Fact]
    public async Task Replay_of_an_unknown_id_sends_nothing_and_leaves_every_dead_letter()
    {
        ServiceBusReceivedMessage dead = AddDeadLetter(Job("carol@c.test"), "Failed", "x");

        Assert.False(await _deadLetters.ReplayAsync(QueueNames.Outbound, "no-such-message", CancellationToken.None));

        Assert.Empty(_bus.Sent);
        Assert.Equal([dead.MessageId], _bus.MessageIds(QueueNames.Outbound));
        Assert.False(_bus.AnyLocked);
    }

    private static ServiceBusReceivedMessage FakeReceived(ServiceBusMessage sent) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(body: sent.Body, messageId: sent.MessageId, properties: sent.ApplicationProperties, deliveryCount: 1);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>
/// The dead-letter sub-queues of a Service Bus namespace in memory, behind subclasses of the SDK's client, receiver and
/// sender (their protected mocking constructors): peek by sequence number, peek-lock receive of unlocked messages,
/// complete (removes), abandon (unlocks). Receivers must be for <see cref="SubQueue.DeadLetter"/>; senders capture.
/// </summary>
public sealed class DeadLetterBus
{
    private readonly Lock _gate = new();
    private readonly List<(string Queue, ServiceBusReceivedMessage Message, bool Locked)> _dead = [];
    private long _sequence;

    public DeadLetterBus() => Client = new BusClient(this);

    public ServiceBusClient Client { get; }

    public List<(string Queue, ServiceBusMessage Message)> Sent { get; } = [];

    public bool AnyLocked
    {
        get
        {
            lock (_gate) return _dead.Any(d => d.Locked);
        }
    }

    public IReadOnlyList<string> MessageIds(string queue)
    {
        lock (_gate) return [.. _dead.Where(d => d.Queue == queue).Select(d => d.Message.MessageId)];
    }

    public ServiceBusReceivedMessage Add(string queue, BinaryData body, string messageId, IDictionary<string, object> properties, int deliveryCount)
    {
        lock (_gate)
        {
            var message = ServiceBusModelFactory.ServiceBusReceivedMessage(body: body, messageId: messageId, contentType: "application/json",
                properties: properties, deliveryCount: deliveryCount, sequenceNumber: ++_sequence, lockTokenGuid: Guid.NewGuid(),
                enqueuedTime: DateTimeOffset.UtcNow);
            _dead.Add((queue, message, false));
            return message;
        }
    }

    private IReadOnlyList<ServiceBusReceivedMessage> Peek(string queue, int max, long from)
    {
        lock (_gate) return [.. _dead.Where(d => d.Queue == queue && d.Message.SequenceNumber >= from).Take(max).Select(d => d.Message)];
    }

    private IReadOnlyList<ServiceBusReceivedMessage> Receive(string queue, int max)
    {
        lock (_gate)
        {
            var taken = new List<ServiceBusReceivedMessage>();
            for (int i = 0; i < _dead.Count && taken.Count < max; i++)
            {
                if (_dead[i].Queue != queue || _dead[i].Locked) continue;
                _dead[i] = _dead[i] with { Locked = true };
                taken.Add(_dead[i].Message);
            }
            return taken;
        }
    }

    private void Settle(ServiceBusReceivedMessage message, bool complete)
    {
        lock (_gate)
        {
            int i = _dead.FindIndex(d => d.Message.SequenceNumber == message.SequenceNumber && d.Locked);
            if (i < 0) throw new ServiceBusException("lock lost", ServiceBusFailureReason.MessageLockLost);
            if (complete) _dead.RemoveAt(i);
            else _dead[i] = _dead[i] with { Locked = false };
        }
    }

    private sealed class BusClient(DeadLetterBus bus) : ServiceBusClient
    {
        public override ServiceBusReceiver CreateReceiver(string queueName, ServiceBusReceiverOptions options)
        {
            Assert.Equal(SubQueue.DeadLetter, options.SubQueue);
            Assert.Equal(ServiceBusReceiveMode.PeekLock, options.ReceiveMode);
            return new Receiver(bus, queueName);
        }

        public override ServiceBusSender CreateSender(string queueOrTopicName) => new Sender(bus, queueOrTopicName);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Receiver(DeadLetterBus bus, string queue) : ServiceBusReceiver
    {
        public override Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekMessagesAsync(int maxMessages, long? fromSequenceNumber = null,
            CancellationToken cancellationToken = default) => Task.FromResult(bus.Peek(queue, maxMessages, fromSequenceNumber ?? 0));

        public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null,
            CancellationToken cancellationToken = default) => Task.FromResult(bus.Receive(queue, maxMessages));

        public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
        {
            bus.Settle(message, complete: true);
            return Task.CompletedTask;
        }

        public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null,
            CancellationToken cancellationToken = default)
        {
            bus.Settle(message, complete: false);
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Sender(DeadLetterBus bus, string queue) : ServiceBusSender
    {
        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            lock (bus._gate) bus.Sent.Add((queue, message));
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
