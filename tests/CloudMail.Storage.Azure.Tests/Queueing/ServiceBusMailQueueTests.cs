using System.Text.Json;
using Azure.Messaging.ServiceBus;
using CloudMail.ContractTests;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Queueing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Queueing;

/// <summary>
/// What <see cref="ServiceBusMailQueue"/> sends to and asks of Service Bus, observed at the SDK seam
/// (<see cref="FakeServiceBus"/>): message shape, scheduling, settlement, poison handling, the lease registry bound.
/// </summary>
public sealed class ServiceBusMailQueueTests
{
    private const string Queue = QueueNames.Inbound;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

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
        Assert.Equal(1, await queue.CountAsync(Queue, _ct));
    }

    [Fact]
    public async Task Retry_completes_the_message_and_schedules_a_copy_with_a_new_MessageId_and_the_delivery_count()
    {
        ServiceBusMailQueue queue = NewQueue();
        MailJob job = TestData.Job();
        await queue.EnqueueAsync(Queue, job, null, _ct);
        LeasedJob leased = Assert.Single(await queue.LeaseAsync(Queue, 10, Lease, _ct));
        DateTimeOffset before = DateTimeOffset.UtcNow;

        Assert.True(await queue.RetryAsync(Queue, leased, TimeSpan.FromMinutes(5), "451 4.4.1 try later", _ct));

        Assert.Equal(("complete", Queue, job.JobId), Assert.Single(_bus.Settled));
        ServiceBusMessage copy = _bus.Sent[^1].Message;
        Assert.Equal(job.JobId + "~r1", copy.MessageId);
        Assert.InRange(copy.ScheduledEnqueueTime, before.AddMinutes(5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(1, copy.ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty]);
        Assert.Equal("451 4.4.1 try later", copy.ApplicationProperties[ServiceBusJobMessages.RetryReasonProperty]);
        Assert.Equal(Assert.Single(_bus.Sent.Take(1)).Message.ApplicationProperties[ServiceBusJobMessages.EnqueuedAtProperty],
            copy.ApplicationProperties[ServiceBusJobMessages.EnqueuedAtProperty]);
        Assert.Equal(1, await queue.CountAsync(Queue, _ct));
    }

    [Fact]
    public async Task Dead_letter_records_the_reason_and_the_time()
    {
        ServiceBusMailQueue queue = NewQueue();
        await queue.EnqueueAsync(Queue, TestData.Job(), null, _ct);
        LeasedJob leased = Assert.Single(await queue.LeaseAsync(Queue, 10, Lease, _ct));

        Assert.True(await queue.DeadLetterAsync(Queue, leased, "550 5.1.1 user unknown", _ct));

        DeadLetteredJob dead = Assert.Single(await queue.ListDeadLettersAsync(Queue, 10, _ct));
        Assert.Equal("550 5.1.1 user unknown", dead.Reason);
        Assert.Equal(("dead-letter", Queue, leased.Job.JobId), Assert.Single(_bus.Settled));
    }

    [Fact]
    public async Task Very_long_reasons_are_cut_to_the_stored_maximum()
    {
        ServiceBusMailQueue queue = NewQueue();
        await queue.EnqueueAsync(Queue, TestData.Job(), null, _ct);
        LeasedJob leased = Assert.Single(await queue.LeaseAsync(Queue, 10, Lease, _ct));

        await queue.DeadLetterAsync(Queue, leased, new string('x', 10_000), _ct);

        Assert.Equal(ServiceBusJobMessages.MaxReasonLength, Assert.Single(await queue.ListDeadLettersAsync(Queue, 10, _ct)).Reason.Length);
    }

    [Fact]
    public async Task A_message_that_is_not_a_job_is_dead_lettered_with_the_reason_and_not_returned()
    {
        ServiceBusMailQueue queue = NewQueue();
        _bus.SendRaw(Queue, BinaryData.FromString("this is not json"), "poison-1");
        MailJob good = TestData.Job();
        await queue.EnqueueAsync(Queue, good, null, _ct);

        IReadOnlyList<LeasedJob> leased = await queue.LeaseAsync(Queue, 10, Lease, _ct);

        Assert.Equal(good.JobId, Assert.Single(leased).Job.JobId);
        Assert.Contains(("dead-letter", Queue, "poison-1"), _bus.Settled);
        Assert.Equal(1, _bus.Counts(Queue).DeadLettered);
    }

    [Fact]
    public async Task Leases_are_bounded_by_MaxLeasedMessages_until_some_are_settled()
    {
        ServiceBusMailQueue queue = NewQueue(new AzureStorageOptions { MaxLeasedMessages = 2 });
        for (int i = 0; i < 4; i++) await queue.EnqueueAsync(Queue, TestData.Job(), null, _ct);

        IReadOnlyList<LeasedJob> first = await queue.LeaseAsync(Queue, 10, Lease, _ct);
        IReadOnlyList<LeasedJob> none = await queue.LeaseAsync(Queue, 10, Lease, _ct);
        Assert.True(await queue.CompleteAsync(Queue, first[0], _ct));
        IReadOnlyList<LeasedJob> more = await queue.LeaseAsync(Queue, 10, Lease, _ct);

        Assert.Equal(2, first.Count);
        Assert.Empty(none);
        Assert.Single(more);
    }

    [Fact]
    public async Task Settling_a_job_leased_by_another_process_returns_false()
    {
        await NewQueue().EnqueueAsync(Queue, TestData.Job(), null, _ct);
        LeasedJob leasedElsewhere = Assert.Single(await NewQueue().LeaseAsync(Queue, 10, Lease, _ct));

        Assert.False(await NewQueue().CompleteAsync(Queue, leasedElsewhere, _ct));
    }

    [Fact]
    public async Task Counting_without_an_administration_client_is_not_supported()
    {
        var queue = new ServiceBusMailQueue(new FakeServiceBusClient(_bus), null, new AzureStorageOptions(), TimeProvider.System,
            NullLogger<ServiceBusMailQueue>.Instance);

        await Assert.ThrowsAsync<NotSupportedException>(() => queue.CountAsync(Queue, _ct));
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

    private ServiceBusMailQueue NewQueue(AzureStorageOptions? options = null) =>
        new(new FakeServiceBusClient(_bus), new FakeAdministrationClient(_bus), options ?? new AzureStorageOptions(), TimeProvider.System,
            NullLogger<ServiceBusMailQueue>.Instance);
}
