using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;

namespace CloudMail.ContractTests;

/// <summary>The <see cref="IDeliveryLog"/> contract: upserts keyed by (message id, recipient).</summary>
public abstract class DeliveryLogContractTests : ContractTest<IDeliveryLog>
{
    protected IDeliveryLog Log => Subject;

    [Fact]
    public async Task Recorded_state_is_returned()
    {
        var record = new DeliveryRecord(Unique.MessageId(), "bob@example.org", DeliveryStatus.Pending, 0, null, TestData.Now());

        await Log.RecordAsync(record, Ct);

        Assert.Equal([record], await Log.GetAsync(record.MessageId, Ct));
    }

    [Fact]
    public async Task Recording_the_same_message_and_recipient_again_replaces_the_record()
    {
        string messageId = Unique.MessageId();
        DateTimeOffset now = TestData.Now();
        await Log.RecordAsync(new DeliveryRecord(messageId, "bob@example.org", DeliveryStatus.Deferred, 1, "451 4.7.1 try later", now), Ct);
        var latest = new DeliveryRecord(messageId, "bob@example.org", DeliveryStatus.Delivered, 2, "250 2.0.0 ok", now.AddMinutes(5));

        await Log.RecordAsync(latest, Ct);

        Assert.Equal([latest], await Log.GetAsync(messageId, Ct));
    }

    [Fact]
    public async Task Replaying_the_same_write_is_harmless()
    {
        var record = new DeliveryRecord(Unique.MessageId(), "bob@example.org", DeliveryStatus.Failed, 3, "550 5.1.1 unknown", TestData.Now());

        await Log.RecordAsync(record, Ct);
        await Log.RecordAsync(record, Ct);

        Assert.Equal([record], await Log.GetAsync(record.MessageId, Ct));
    }

    [Fact]
    public async Task Records_of_a_message_are_sorted_by_recipient_and_exclude_other_messages()
    {
        string messageId = Unique.MessageId();
        DateTimeOffset now = TestData.Now();
        foreach (string recipient in new[] { "carol@example.org", "alice@example.org", "bob@example.org" })
        {
            await Log.RecordAsync(new DeliveryRecord(messageId, recipient, DeliveryStatus.Pending, 0, null, now), Ct);
        }
        await Log.RecordAsync(new DeliveryRecord(Unique.MessageId(), "alice@example.org", DeliveryStatus.Pending, 0, null, now), Ct);

        IReadOnlyList<DeliveryRecord> records = await Log.GetAsync(messageId, Ct);

        Assert.Equal(["alice@example.org", "bob@example.org", "carol@example.org"], records.Select(r => r.Recipient));
        Assert.All(records, r => Assert.Equal(messageId, r.MessageId));
    }

    [Fact]
    public async Task Unknown_message_has_no_records()
    {
        Assert.Empty(await Log.GetAsync(Unique.MessageId(), Ct));
    }

    [Fact]
    public async Task Forgetting_a_recipient_deletes_its_records_of_every_message_and_keeps_the_others()
    {
        string erased = Unique.Account();
        string first = Unique.MessageId(), second = Unique.MessageId();
        var other = new DeliveryRecord(first, "bob@example.org", DeliveryStatus.Delivered, 1, "250 ok", TestData.Now());
        await Log.RecordAsync(new DeliveryRecord(first, erased, DeliveryStatus.Delivered, 1, "250 ok", TestData.Now()), Ct);
        await Log.RecordAsync(new DeliveryRecord(second, erased.ToUpperInvariant(), DeliveryStatus.Failed, 1, "550 no", TestData.Now()), Ct);
        await Log.RecordAsync(other, Ct);

        int forgotten = await Log.ForgetRecipientAsync(erased.ToUpperInvariant(), Ct);

        Assert.Equal(2, forgotten);
        Assert.Equal([other], await Log.GetAsync(first, Ct));
        Assert.Empty(await Log.GetAsync(second, Ct));
    }
}
