using CloudMail.ContractTests;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
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
}
