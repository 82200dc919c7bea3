using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace CloudMail.Functions.Tests.Support;

/// <summary>
/// The Service Bus SDK seam of the retry copies: a <see cref="ServiceBusClient"/> subclass (through the SDK's protected
/// mocking constructor) whose senders capture every message instead of sending it over AMQP, so the tests see exactly
/// what <c>ServiceBusRetrySender</c> would put on the queue. There is no Service Bus emulator to send to.
/// </summary>
public sealed class CapturingServiceBusClient : ServiceBusClient
{
    private readonly ConcurrentQueue<(string Queue, ServiceBusMessage Message)> _sent = new();

    /// <summary>Every message sent, with the queue it was sent to, in order.</summary>
    public IReadOnlyList<(string Queue, ServiceBusMessage Message)> Sent => [.. _sent];

    public override ServiceBusSender CreateSender(string queueOrTopicName) => new CapturingSender(queueOrTopicName, _sent);

    public override ServiceBusSender CreateSender(string queueOrTopicName, ServiceBusSenderOptions options) => CreateSender(queueOrTopicName);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class CapturingSender(string queue, ConcurrentQueue<(string, ServiceBusMessage)> sent) : ServiceBusSender
    {
        public override string EntityPath => queue;

        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            sent.Enqueue((queue, message));
            return Task.CompletedTask;
        }

        public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
