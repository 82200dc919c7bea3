using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace CloudMail.Tests.Shared;

/// <summary>
/// The Service Bus SDK seam, shared by the listener and Functions tests (linked file): a
/// <see cref="ServiceBusClient"/> subclass (through the SDK's protected mocking constructor) whose senders capture
/// every message instead of sending it over AMQP. Everything above it (the real
/// <c>ServiceBusMailQueue</c> adapter, retry sender, message format, accept path) runs unchanged. There is no Service Bus emulator to send to.
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

        public override Task SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken cancellationToken = default)
        {
            foreach (var message in messages) sent.Enqueue((queue, message));
            return Task.CompletedTask;
        }

        public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
