using CloudMail.ContractTests;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Storage.Embedded.DeliveryLog;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

public sealed class DeliveryLogTests(EmbeddedStorageFixture fixture) : IClassFixture<EmbeddedStorageFixture>
{
    [Fact]
    public async Task Recipients_are_keyed_lower_cased()
    {
        string messageId = Unique.MessageId();
        IDeliveryLog log = fixture.Storage.DeliveryLog;

        await log.RecordAsync(new DeliveryRecord(messageId, "Bob@Example.ORG", DeliveryStatus.Pending, 0, null, TestData.Now()), default);
        await log.RecordAsync(new DeliveryRecord(messageId, "bob@example.org", DeliveryStatus.Delivered, 1, "250 ok", TestData.Now()), default);

        DeliveryRecord record = Assert.Single(await log.GetAsync(messageId, default));
        Assert.Equal(("bob@example.org", DeliveryStatus.Delivered), (record.Recipient, record.Status));
    }

    [Fact]
    public async Task Forgetting_walks_past_unsettled_messages_through_several_batches()
    {
        IDeliveryLog log = fixture.Storage.DeliveryLog;
        var at = new DateTimeOffset(1985, 1, 1, 0, 0, 0, TimeSpan.Zero); // before anything else this fixture's tests write
        int settledCount = SqliteDeliveryLog.ForgetBatchSize * 2 + 100, deferredCount = SqliteDeliveryLog.ForgetBatchSize + 50;
        var settled = Enumerable.Range(0, settledCount).Select(_ => Unique.MessageId()).ToList();
        var deferred = Enumerable.Range(0, deferredCount).Select(_ => Unique.MessageId()).ToList();
        // Interleaved in time, so that every batch of the walk holds both kinds.
        var writes = settled.Select((id, i) => new DeliveryRecord(id, "amy@example.org", DeliveryStatus.Delivered, 1, "250 ok", at.AddSeconds(2 * i)))
            .Concat(deferred.Select((id, i) => new DeliveryRecord(id, "bob@example.org", DeliveryStatus.Deferred, 1, "451 later", at.AddSeconds(2 * i + 1))));
        foreach (var chunk in writes.Chunk(100)) await Task.WhenAll(chunk.Select(r => log.RecordAsync(r, default)));

        Assert.Equal(settledCount, await log.ForgetSettledBeforeAsync(at.AddDays(30), default));

        Assert.Empty(await log.GetAsync(settled[0], default));
        Assert.Empty(await log.GetAsync(settled[^1], default));
        Assert.Single(await log.GetAsync(deferred[0], default));
        Assert.Single(await log.GetAsync(deferred[^1], default));
        Assert.Equal(0, await log.ForgetSettledBeforeAsync(at.AddDays(30), default));
    }
}
