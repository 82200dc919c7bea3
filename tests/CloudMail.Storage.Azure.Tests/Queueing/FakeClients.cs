using Azure.Messaging.ServiceBus;

namespace CloudMail.Storage.Azure.Tests.Queueing;

/// <summary><see cref="ServiceBusClient"/> through its protected mocking constructor, over a <see cref="FakeServiceBus"/>.</summary>
public sealed class FakeServiceBusClient(FakeServiceBus bus) : ServiceBusClient
{
    public override ServiceBusSender CreateSender(string queueOrTopicName) => new FakeSender(bus, queueOrTopicName);

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
