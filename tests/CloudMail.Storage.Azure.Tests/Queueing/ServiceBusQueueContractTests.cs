using CloudMail.ContractTests;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Queue;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Queueing;

/// <summary>
/// The <see cref="IMailQueue"/> producer contract run on <see cref="ServiceBusMailQueue"/> over <see cref="FakeServiceBus"/>
/// (the SDK's client types, subclassed; no broker), observed by receiving in peek-lock mode as the Functions host would
/// and reading the jobs in the adapter's format (<see cref="ServiceBusJobMessages.ReadJob"/>). This checks the adapter's
/// mapping of the contract onto Service Bus sends and message shapes; it cannot show that the real broker behaves as the
/// fake does. (Service Bus is consumed by the Functions host, not through a lease API: the leased contract is SQLite's.)
/// </summary>
public sealed class ServiceBusQueueContractTests : MailQueueProducerContractTests
{
    private readonly FakeServiceBus _bus;

    public ServiceBusQueueContractTests() => _bus = new(TimeSpan.FromMinutes(5), Clock);

    /// <summary>The adapter's and the fake broker's clock.</summary>
    protected override SettableClock Clock { get; } = new();

    protected override Task<IMailQueue> CreateSubjectAsync() =>
        Task.FromResult<IMailQueue>(new ServiceBusMailQueue(new FakeServiceBusClient(_bus), Clock, NullLogger<ServiceBusMailQueue>.Instance));

    protected override Task<IReadOnlyList<MailJob>> TakeVisibleAsync(string queue) =>
        Task.FromResult<IReadOnlyList<MailJob>>([.. _bus.Receive(queue, 100).Select(ServiceBusJobMessages.ReadJob)]);
}
