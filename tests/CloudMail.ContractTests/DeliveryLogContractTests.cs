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

    [Fact]
    public async Task Each_write_is_kept_as_an_attempt_with_stage_host_reply_and_next_try_oldest_first()
    {
        string messageId = Unique.MessageId();
        DateTimeOffset now = TestData.Now();
        await Log.RecordAsync(new DeliveryRecord(messageId, "bob@example.org", DeliveryStatus.Pending, 0, "queued for remote delivery", now,
            DeliveryStages.Inbound), Ct);
        await Log.RecordAsync(new DeliveryRecord(messageId, "Bob@Example.org", DeliveryStatus.Deferred, 1, "451 4.3.0 try again later", now.AddSeconds(1),
            DeliveryStages.Outbound, "mx1.example.org", now.AddMinutes(5)), Ct);
        await Log.RecordAsync(new DeliveryRecord(messageId, "bob@example.org", DeliveryStatus.Delivered, 2, "250 2.0.0 ok", now.AddMinutes(5),
            DeliveryStages.Outbound, "mx2.example.org"), Ct);

        var attempts = await Log.GetAttemptsAsync(messageId, Ct);

        Assert.Equal(
            [
                new DeliveryAttempt(messageId, "bob@example.org", now, DeliveryStages.Inbound, DeliveryStatus.Pending, 0, null, "queued for remote delivery", null),
                new DeliveryAttempt(messageId, "bob@example.org", now.AddSeconds(1), DeliveryStages.Outbound, DeliveryStatus.Deferred, 1, "mx1.example.org",
                    "451 4.3.0 try again later", now.AddMinutes(5)),
                new DeliveryAttempt(messageId, "bob@example.org", now.AddMinutes(5), DeliveryStages.Outbound, DeliveryStatus.Delivered, 2, "mx2.example.org",
                    "250 2.0.0 ok", null),
            ], attempts);
        Assert.Equal("4.3.0", attempts[1].DsnStatus);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await Log.GetAsync(messageId, Ct)).Status);
    }

    [Fact]
    public async Task Replaying_a_write_does_not_add_a_second_attempt()
    {
        var record = new DeliveryRecord(Unique.MessageId(), "bob@example.org", DeliveryStatus.Deferred, 1, "451 4.4.1 no answer", TestData.Now(),
            DeliveryStages.Outbound, "mx.example.org", TestData.Now().AddMinutes(10));

        await Log.RecordAsync(record, Ct);
        await Log.RecordAsync(record, Ct);

        Assert.Single(await Log.GetAttemptsAsync(record.MessageId, Ct));
    }

    [Fact]
    public async Task Attempts_are_sorted_by_recipient_and_exclude_other_messages()
    {
        string messageId = Unique.MessageId();
        DateTimeOffset now = TestData.Now();
        await Log.RecordAsync(new DeliveryRecord(messageId, "zed@example.org", DeliveryStatus.Delivered, 1, "250 ok", now), Ct);
        await Log.RecordAsync(new DeliveryRecord(messageId, "amy@example.org", DeliveryStatus.Delivered, 1, "250 ok", now.AddSeconds(1)), Ct);
        await Log.RecordAsync(new DeliveryRecord(Unique.MessageId(), "amy@example.org", DeliveryStatus.Failed, 1, "550 no", now), Ct);

        var attempts = await Log.GetAttemptsAsync(messageId, Ct);

        Assert.Equal(["amy@example.org", "zed@example.org"], attempts.Select(a => a.Recipient));
        Assert.All(attempts, a => Assert.Equal("", a.Stage));
        Assert.Empty(await Log.GetAttemptsAsync(Unique.MessageId(), Ct));
    }

    [Fact]
    public async Task Only_the_newest_attempts_up_to_the_bound_are_kept_per_recipient()
    {
        string messageId = Unique.MessageId();
        DateTimeOffset start = TestData.Now();
        int writes = DeliveryAttempt.MaxPerRecipient + 3;
        for (int i = 1; i <= writes; i++)
        {
            await Log.RecordAsync(new DeliveryRecord(messageId, "bob@example.org", DeliveryStatus.Deferred, i, "451 4.3.0 later", start.AddMinutes(i),
                DeliveryStages.Outbound, "mx.example.org", start.AddMinutes(i + 1)), Ct);
        }
        await Log.RecordAsync(new DeliveryRecord(messageId, "amy@example.org", DeliveryStatus.Delivered, 1, "250 ok", start), Ct);

        var attempts = await Log.GetAttemptsAsync(messageId, Ct);

        var bob = attempts.Where(a => a.Recipient == "bob@example.org").ToList();
        Assert.Equal(DeliveryAttempt.MaxPerRecipient, bob.Count);
        Assert.Equal(Enumerable.Range(4, DeliveryAttempt.MaxPerRecipient), bob.Select(a => a.Attempt));
        Assert.Single(attempts, a => a.Recipient == "amy@example.org");
    }

    [Fact]
    public async Task Forgetting_a_recipient_deletes_its_attempts_too()
    {
        string erased = Unique.Account();
        string messageId = Unique.MessageId();
        await Log.RecordAsync(new DeliveryRecord(messageId, erased, DeliveryStatus.Deferred, 1, "451 later", TestData.Now(), DeliveryStages.Outbound), Ct);
        await Log.RecordAsync(new DeliveryRecord(messageId, erased, DeliveryStatus.Delivered, 2, "250 ok", TestData.Now().AddMinutes(1)), Ct);
        await Log.RecordAsync(new DeliveryRecord(messageId, "bob@example.org", DeliveryStatus.Delivered, 1, "250 ok", TestData.Now()), Ct);

        Assert.Equal(1, await Log.ForgetRecipientAsync(erased, Ct));

        Assert.Equal(["bob@example.org"], (await Log.GetAttemptsAsync(messageId, Ct)).Select(a => a.Recipient));
        Assert.Equal(["bob@example.org"], (await Log.GetAsync(messageId, Ct)).Select(r => r.Recipient));
    }

    /// <summary>Retention tests write at this time and cut off a month later: long before anything other tests write.</summary>
    private static readonly DateTimeOffset LongAgo = new(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset Cutoff = LongAgo.AddDays(30);

    private async Task RecordHistoryAsync(string messageId, string recipient, DeliveryStatus final, DateTimeOffset at)
    {
        await Log.RecordAsync(new DeliveryRecord(messageId, recipient, DeliveryStatus.Pending, 0, null, at), Ct);
        await Log.RecordAsync(new DeliveryRecord(messageId, recipient, final, 1, "reply", at.AddMinutes(1), DeliveryStages.Outbound), Ct);
    }

    [Fact]
    public async Task A_message_settled_before_the_cutoff_is_forgotten_with_its_attempts()
    {
        string messageId = Unique.MessageId();
        await RecordHistoryAsync(messageId, "amy@example.org", DeliveryStatus.Delivered, LongAgo);
        await RecordHistoryAsync(messageId, "bob@example.org", DeliveryStatus.Failed, LongAgo);

        Assert.True(await Log.ForgetSettledBeforeAsync(Cutoff, Ct) >= 1);

        Assert.Empty(await Log.GetAsync(messageId, Ct));
        Assert.Empty(await Log.GetAttemptsAsync(messageId, Ct));
    }

    [Theory]
    [InlineData(DeliveryStatus.Pending)]
    [InlineData(DeliveryStatus.Deferred)]
    [InlineData(DeliveryStatus.Quarantined)]
    public async Task A_message_with_a_recipient_not_settled_is_kept_however_old(DeliveryStatus unsettled)
    {
        string messageId = Unique.MessageId();
        await RecordHistoryAsync(messageId, "amy@example.org", DeliveryStatus.Delivered, LongAgo);
        await RecordHistoryAsync(messageId, "bob@example.org", unsettled, LongAgo);

        await Log.ForgetSettledBeforeAsync(Cutoff, Ct);

        Assert.Equal(["amy@example.org", "bob@example.org"], (await Log.GetAsync(messageId, Ct)).Select(r => r.Recipient));
        Assert.Equal(4, (await Log.GetAttemptsAsync(messageId, Ct)).Count);
    }

    [Fact]
    public async Task A_message_written_to_after_the_cutoff_is_kept_whole_and_forgotten_once_that_write_is_old_too()
    {
        string messageId = Unique.MessageId();
        await RecordHistoryAsync(messageId, "amy@example.org", DeliveryStatus.Delivered, LongAgo);
        await RecordHistoryAsync(messageId, "bob@example.org", DeliveryStatus.Delivered, Cutoff.AddDays(1));

        await Log.ForgetSettledBeforeAsync(Cutoff, Ct);

        Assert.Equal(2, (await Log.GetAsync(messageId, Ct)).Count);
        Assert.Equal(4, (await Log.GetAttemptsAsync(messageId, Ct)).Count);

        Assert.True(await Log.ForgetSettledBeforeAsync(Cutoff.AddDays(2), Ct) >= 1);
        Assert.Empty(await Log.GetAsync(messageId, Ct));
    }

    [Fact]
    public async Task Forgetting_leaves_recent_messages_alone_and_a_second_pass_finds_nothing_more_of_its_own()
    {
        string old = Unique.MessageId(), recent = Unique.MessageId();
        await RecordHistoryAsync(old, "amy@example.org", DeliveryStatus.Delivered, LongAgo);
        await Log.RecordAsync(new DeliveryRecord(recent, "amy@example.org", DeliveryStatus.Delivered, 1, "250 ok", TestData.Now()), Ct);

        await Log.ForgetSettledBeforeAsync(Cutoff, Ct);
        await Log.ForgetSettledBeforeAsync(Cutoff, Ct);

        Assert.Empty(await Log.GetAsync(old, Ct));
        Assert.Single(await Log.GetAsync(recent, Ct));
    }
}
