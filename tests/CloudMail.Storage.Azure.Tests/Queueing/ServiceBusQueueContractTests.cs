using CloudMail.ContractTests;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Queueing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Queueing;

/// <summary>
/// The <see cref="IMailQueue"/> contract suite run on <see cref="ServiceBusMailQueue"/> over <see cref="FakeServiceBus"/>
/// (the SDK's client types, subclassed; no broker). This checks the adapter's mapping of the contract onto
/// Service Bus operations and message shapes; it cannot show that the real broker behaves as the fake does.
/// Lease durations: Service Bus locks for the queue's LockDuration whatever the caller asks, so the fake's
/// lock duration stands for it and the "short lease" the suite waits out is that duration.
/// </summary>
public sealed class ServiceBusQueueContractTests : MailQueueContractTests
{
    private static readonly TimeSpan FakeLockDuration = TimeSpan.FromSeconds(4);

    protected override TimeSpan ShortLease => FakeLockDuration;

    protected override Task<IMailQueue> CreateSubjectAsync()
    {
        var bus = new FakeServiceBus(FakeLockDuration);
        IMailQueue queue = new ServiceBusMailQueue(new FakeServiceBusClient(bus), new FakeAdministrationClient(bus),
            new AzureStorageOptions { ServiceBusReceiveWait = TimeSpan.FromMilliseconds(100) }, TimeProvider.System, NullLogger<ServiceBusMailQueue>.Instance);
        return Task.FromResult(queue);
    }
}
