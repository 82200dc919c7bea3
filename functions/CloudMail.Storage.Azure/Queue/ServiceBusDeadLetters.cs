using System.Globalization;
using Azure.Messaging.ServiceBus;
using CloudMail.Core.Queue;

namespace CloudMail.Storage.Azure.Queue;

/// <summary>
/// <see cref="IDeadLetterQueue"/> on the Service Bus dead-letter sub-queues (<see cref="SubQueue.DeadLetter"/>) of the
/// pipeline queues. Listing peeks (nothing is locked or changed). A dead letter's id is its MessageId. Replaying receives
/// dead letters in peek-lock mode until it meets that MessageId (at most <see cref="MaxScannedForReplay"/>; the others
/// are abandoned at once, which leaves them where they were), sends a copy to the queue (<see cref="ReplayCopy"/>), and
/// only then completes the dead letter: a failure in between leaves the dead letter in place, and at worst a second
/// replay sends a second copy, which the pipeline's idempotent stages absorb.
/// </summary>
public sealed class ServiceBusDeadLetters(ServiceBusClient client, TimeProvider time) : IDeadLetterQueue
{
    /// <summary>Most dead letters one replay looks through for the requested MessageId.</summary>
    public const int MaxScannedForReplay = 5000;

    /// <summary>Broker-set properties of a dead letter that its replayed copy must not carry.</summary>
    private static readonly string[] DeadLetterProperties = ["DeadLetterReason", "DeadLetterErrorDescription", ServiceBusJobMessages.DeadLetteredAtProperty];

    public async Task<IReadOnlyList<DeadLetter>> PeekAsync(string queue, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var letters = new List<DeadLetter>();
        long? from = null;
        while (letters.Count < max)
        {
            var batch = await receiver.PeekMessagesAsync(max - letters.Count, from, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0) break;
            letters.AddRange(batch.Select(m => ToDeadLetter(queue, m)));
            from = batch[^1].SequenceNumber + 1;
        }
        return letters;
    }

    public async Task<bool> ReplayAsync(string queue, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var others = new List<ServiceBusReceivedMessage>();
        try
        {
            ServiceBusReceivedMessage? found = null;
            while (found is null && others.Count < MaxScannedForReplay)
            {
                var batch = await receiver.ReceiveMessagesAsync(100, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0) break;
                foreach (ServiceBusReceivedMessage message in batch)
                {
                    if (found is null && message.MessageId == id) found = message;
                    else others.Add(message);
                }
            }
            if (found is null) return false;
            await using (ServiceBusSender sender = client.CreateSender(queue))
            {
                await sender.SendMessageAsync(ReplayCopy(found, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
            await receiver.CompleteMessageAsync(found, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            foreach (ServiceBusReceivedMessage other in others)
                await receiver.AbandonMessageAsync(other, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The copy of dead letter <paramref name="dead"/> that a replay sends: the same body and properties, MessageId
    /// <c>{id}~replay{unix ms}</c> (hashed when too long, <see cref="ServiceBusJobMessages.MessageIdFor"/>), never one duplicate
    /// detection has seen; the deliveries so far reset (<see cref="ServiceBusJobMessages.PriorDeliveriesProperty"/> 0) so the
    /// job gets its full retry budget again; no dead-letter properties.
    /// </summary>
    public static ServiceBusMessage ReplayCopy(ServiceBusReceivedMessage dead, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(dead);
        var copy = new ServiceBusMessage(dead)
        {
            MessageId = ServiceBusJobMessages.MessageIdFor(
                string.Create(CultureInfo.InvariantCulture, $"{dead.MessageId}~replay{now.ToUnixTimeMilliseconds()}"), retry: null),
        };
        foreach (string property in DeadLetterProperties) copy.ApplicationProperties.Remove(property);
        copy.ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty] = 0;
        return copy;
    }

    private static DeadLetter ToDeadLetter(string queue, ServiceBusReceivedMessage m)
    {
        bool readable = ServiceBusJobMessages.TryReadJob(m.Body, out MailJob? job, out _);
        return new DeadLetter(queue, m.MessageId, readable ? job!.MessageId : null, m.DeadLetterReason ?? "(none)", m.DeadLetterErrorDescription,
            ServiceBusJobMessages.EnqueuedAt(m), ServiceBusJobMessages.DeliveryCount(m), readable ? job!.EffectiveRecipients : []);
    }
}
