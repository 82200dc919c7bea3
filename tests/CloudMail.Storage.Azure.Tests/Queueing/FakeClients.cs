using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;

namespace CloudMail.Storage.Azure.Tests.Queueing;

/// <summary><see cref="ServiceBusClient"/> through its protected mocking constructor, over a <see cref="FakeServiceBus"/>.</summary>
public sealed class FakeServiceBusClient(FakeServiceBus bus) : ServiceBusClient
{
    public override ServiceBusSender CreateSender(string queueOrTopicName) => new FakeSender(bus, queueOrTopicName);

    public override ServiceBusReceiver CreateReceiver(string queueName, ServiceBusReceiverOptions options) =>
        new FakeReceiver(bus, queueName, options.SubQueue, options.ReceiveMode);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class FakeSender(FakeServiceBus bus, string queue) : ServiceBusSender
{
    public override string EntityPath => queue;

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bus.Send(queue, message);
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class FakeReceiver(FakeServiceBus bus, string queue, SubQueue subQueue, ServiceBusReceiveMode mode) : ServiceBusReceiver
{
    public override string EntityPath => subQueue == SubQueue.DeadLetter ? queue + "/$DeadLetterQueue" : queue;

    public override ServiceBusReceiveMode ReceiveMode => mode;

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null,
        CancellationToken cancellationToken = default)
    {
        if (subQueue != SubQueue.None) throw new NotSupportedException("The fake receives from queues only.");
        return Task.FromResult(bus.Receive(queue, maxMessages));
    }

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        bus.Complete(queue, message);
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify,
        string? deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default)
    {
        bus.DeadLetter(queue, message, propertiesToModify, deadLetterReason, deadLetterErrorDescription);
        return Task.CompletedTask;
    }

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekMessagesAsync(int maxMessages, long? fromSequenceNumber = null,
        CancellationToken cancellationToken = default)
    {
        if (subQueue != SubQueue.DeadLetter) throw new NotSupportedException("The fake peeks dead-letter queues only.");
        return Task.FromResult(bus.PeekDeadLetters(queue, maxMessages, fromSequenceNumber ?? 0));
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary><see cref="ServiceBusAdministrationClient"/> answering runtime properties from the fake.</summary>
public sealed class FakeAdministrationClient(FakeServiceBus bus) : ServiceBusAdministrationClient
{
    public override Task<Response<QueueRuntimeProperties>> GetQueueRuntimePropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        (long active, long scheduled, long dead) = bus.Counts(name);
        QueueRuntimeProperties properties = ServiceBusModelFactory.QueueRuntimeProperties(name, activeMessageCount: active, scheduledMessageCount: scheduled,
            deadLetterMessageCount: dead, totalMessageCount: active + scheduled + dead);
        return Task.FromResult(Response.FromValue(properties, new OkResponse()));
    }

    /// <summary>A minimal 200 response for <see cref="Response.FromValue{T}"/>.</summary>
    private sealed class OkResponse : Response
    {
        public override int Status => 200;
        public override string ReasonPhrase => "OK";
        public override Stream? ContentStream { get; set; }
        public override string ClientRequestId { get; set; } = "";
        public override void Dispose() { }
        protected override bool ContainsHeader(string name) => false;
        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];
        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) { value = null; return false; }
        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values) { values = null; return false; }
    }
}
