using System.Text.Json;
using Azure.Messaging.ServiceBus;
using CloudMail.ContractTests;
using CloudMail.Core.Failures;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Queue;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Queueing;

/// <summary>
/// What <see cref="ServiceBusMailQueue"/> sends to and asks of Service Bus, observed at the SDK seam
/// (<see cref="FakeServiceBus"/>): message shape, scheduling, duplicate detection, failure mapping, and the retry-copy format.
/// </summary>
public sealed class ServiceBusMailQueueTests
{
    private const string Queue = QueueNames.Inbound;
    private readonly FakeServiceBus _bus = new(TimeSpan.FromSeconds(30));
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task Enqueue_sends_the_job_as_small_JSON_with_MessageId_equal_to_the_JobId()
    {
        MailJob job = TestData.Job();

        await NewQueue().EnqueueAsync(Queue, job, null, _ct);

        ServiceBusMessage sent = Assert.Single(_bus.Sent).Message;
        Assert.Equal(job.JobId, sent.MessageId);
        Assert.Equal("application/json", sent.ContentType);
        Assert.Equal(default, sent.ScheduledEnqueueTime);
        Assert.True(sent.Body.ToMemory().Length < 2048, "a job carries a claim-check, not the message");
        using JsonDocument body = JsonDocument.Parse(sent.Body.ToString());
        Assert.Equal(job.JobId, body.RootElement.GetProperty("jobId").GetString());
        Assert.Equal(job.Blob.Sha256, body.RootElement.GetProperty("blob").GetProperty("sha256").GetString());
        Assert.False(body.RootElement.TryGetProperty("effectiveRecipients", out _));
        Assert.Equal(0, sent.ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty]);
    }

    [Fact]
    public async Task A_future_notBefore_becomes_the_scheduled_enqueue_time()
    {
        DateTimeOffset notBefore = DateTimeOffset.UtcNow.AddMinutes(10);

        await NewQueue().EnqueueAsync(Queue, TestData.Job(), notBefore, _ct);

        Assert.Equal(notBefore, Assert.Single(_bus.Sent).Message.ScheduledEnqueueTime);
    }

    [Fact]
    public async Task A_second_enqueue_of_the_same_job_is_sent_with_the_same_MessageId_for_duplicate_detection()
    {
        MailJob job = TestData.Job();
        ServiceBusMailQueue queue = NewQueue();

        await queue.EnqueueAsync(Queue, job, null, _ct);
        await queue.EnqueueAsync(Queue, job, null, _ct);

        Assert.Equal([job.JobId, job.JobId], _bus.Sent.Select(s => s.Message.MessageId));
        Assert.Equal(1, _bus.Counts(Queue).Active);
    }

    [Fact]
    public async Task A_send_failure_the_SDK_calls_transient_is_thrown_as_TransientStorageException()
    {
        _bus.FailSendsWith = new ServiceBusException(isTransient: true, "injected: server busy", reason: ServiceBusFailureReason.ServiceBusy);

        var thrown = await Assert.ThrowsAsync<TransientStorageException>(() => NewQueue().EnqueueAsync(Queue, TestData.Job(), null, _ct));

        Assert.IsType<ServiceBusException>(thrown.InnerException);
        Assert.Contains("ServiceBusException", thrown.Message);
    }

    [Fact]
    public async Task A_send_failure_that_is_not_transient_propagates_unchanged()
    {
        _bus.FailSendsWith = new ServiceBusException(isTransient: false, "injected: no such queue", reason: ServiceBusFailureReason.MessagingEntityNotFound);

        var thrown = await Assert.ThrowsAsync<ServiceBusException>(() => NewQueue().EnqueueAsync(Queue, TestData.Job(), null, _ct));

        Assert.False(thrown.IsTransient);
    }

    [Fact]
    public async Task The_retry_sender_throws_transient_send_failures_as_TransientStorageException()
    {
        var received = Received(ServiceBusJobMessages.ForEnqueue(TestData.Job(), DateTimeOffset.UtcNow), deliveryCount: 1);
        _bus.FailSendsWith = new ServiceBusException(isTransient: true, "injected: timeout", reason: ServiceBusFailureReason.ServiceTimeout);
        await using var sender = new ServiceBusRetrySender(new FakeServiceBusClient(_bus));

        await Assert.ThrowsAsync<TransientStorageException>(() => sender.SendAsync(Queue, received, "job", DateTimeOffset.UtcNow, "again", _ct));
    }

    [Fact]
    public void Very_long_retry_reasons_are_cut_to_the_stored_maximum()
    {
        var received = Received(ServiceBusJobMessages.ForEnqueue(TestData.Job(), DateTimeOffset.UtcNow), deliveryCount: 1);

        ServiceBusMessage copy = ServiceBusJobMessages.ForRetry(received, "job", DateTimeOffset.UtcNow, new string('x', 10_000));

        Assert.Equal(ServiceBusJobMessages.MaxReasonLength, ((string)copy.ApplicationProperties[ServiceBusJobMessages.RetryReasonProperty]).Length);
    }

    [Fact]
    public void Delivery_count_adds_the_carried_count_to_the_broker_count()
    {
        ServiceBusReceivedMessage received = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString("{}"),
            properties: new Dictionary<string, object> { [ServiceBusJobMessages.PriorDeliveriesProperty] = 3, [ServiceBusJobMessages.EnqueuedAtProperty] = 1_700_000_000_000L },
            deliveryCount: 2);

        Assert.Equal(5, ServiceBusJobMessages.DeliveryCount(received));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000L), ServiceBusJobMessages.EnqueuedAt(received));
    }

    [Fact]
    public void Message_ids_stay_within_the_Service_Bus_limit()
    {
        string longJobId = new('j', 200);

        Assert.Equal(ServiceBusJobMessages.MessageIdFor(longJobId, null), ServiceBusJobMessages.MessageIdFor(longJobId, null));
        Assert.True(ServiceBusJobMessages.MessageIdFor(longJobId, null).Length <= 128);
        Assert.NotEqual(ServiceBusJobMessages.MessageIdFor(longJobId, null), ServiceBusJobMessages.MessageIdFor(longJobId, 1));
        Assert.Equal("abc~r2", ServiceBusJobMessages.MessageIdFor("abc", 2));
    }

    [Fact]
    public void A_retry_copy_has_one_MessageId_for_every_delivery_of_the_message_it_copies()
    {
        MailJob job = TestData.Job();
        ServiceBusReceivedMessage first = Received(ServiceBusJobMessages.ForEnqueue(job, DateTimeOffset.UtcNow), deliveryCount: 1);
        ServiceBusReceivedMessage redelivered = Received(ServiceBusJobMessages.ForEnqueue(job, DateTimeOffset.UtcNow), deliveryCount: 3);
        DateTimeOffset later = DateTimeOffset.UtcNow.AddMinutes(5);

        ServiceBusMessage copy = ServiceBusJobMessages.ForRetry(first, job.JobId, later, "451 try later");
        ServiceBusMessage copyAfterCrash = ServiceBusJobMessages.ForRetry(redelivered, job.JobId, later, "451 try later");

        // A host that completes outside a transaction may send the copy twice: duplicate detection keeps one.
        Assert.Equal(job.JobId + "~r1", copy.MessageId);
        Assert.Equal(copy.MessageId, copyAfterCrash.MessageId);
        Assert.Equal(1, copy.ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty]);
        Assert.Equal(3, copyAfterCrash.ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty]);
        Assert.Equal(job.JobId, ServiceBusJobMessages.ReadJob(Received(copy, 1)).JobId);
    }

    [Fact]
    public void Each_retry_copy_of_a_job_gets_a_larger_number_and_counts_every_delivery()
    {
        MailJob job = TestData.Job();
        ServiceBusReceivedMessage received = Received(ServiceBusJobMessages.ForEnqueue(job, DateTimeOffset.UtcNow), deliveryCount: 2);
        var ids = new List<string>();

        for (int i = 0; i < 3; i++)
        {
            ServiceBusMessage copy = ServiceBusJobMessages.ForRetry(received, job.JobId, DateTimeOffset.UtcNow, "again");
            ids.Add(copy.MessageId);
            received = Received(copy, deliveryCount: 1);
        }

        Assert.Equal([job.JobId + "~r1", job.JobId + "~r3", job.JobId + "~r4"], ids);
        Assert.Equal(5, ServiceBusJobMessages.DeliveryCount(received));
    }

    [Theory]
    [InlineData("this is not json", "not a MailJob JSON document")]
    [InlineData("null", "JSON null")]
    [InlineData("{\"jobId\":\"x\",\"messageId\":\"x\"}", "blob is missing")]
    public void A_body_that_is_not_a_usable_job_is_refused_with_the_reason(string body, string reason)
    {
        Assert.False(ServiceBusJobMessages.TryReadJob(BinaryData.FromString(body), out _, out string? problem));
        Assert.Contains(reason, problem);
        Assert.Throws<JsonException>(() => ServiceBusJobMessages.ReadJob(ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString(body))));
    }

    /// <summary>What the broker would deliver for <paramref name="sent"/>.</summary>
    private static ServiceBusReceivedMessage Received(ServiceBusMessage sent, int deliveryCount) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(body: sent.Body, messageId: sent.MessageId, contentType: sent.ContentType,
            properties: sent.ApplicationProperties, deliveryCount: deliveryCount, enqueuedTime: DateTimeOffset.UtcNow);

    private ServiceBusMailQueue NewQueue() => new(new FakeServiceBusClient(_bus), TimeProvider.System, NullLogger<ServiceBusMailQueue>.Instance);
}
