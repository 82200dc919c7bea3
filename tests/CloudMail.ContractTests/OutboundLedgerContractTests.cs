using CloudMail.Core.Intake;
using CloudMail.Core.Queue;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="OutboundLedger"/> over a backend's intake outbox storage (as the hosts register it, under
/// <see cref="OutboundLedger.StoreKey"/>): entries are keyed by job id, so the several outbound jobs of one message
/// (direct, forwards, retries, requeues) each have their own, and the stage removes exactly its job's entry from the job
/// alone. A fresh, empty store per test.
/// </summary>
public abstract class OutboundLedgerContractTests : ContractTest<IIntakeOutbox>
{
    private static readonly DateTimeOffset Due = new DateTimeOffset(2025, 3, 14, 9, 12, 0, TimeSpan.Zero).AddTicks(1234567);

    private OutboundLedger Ledger => new(Subject);

    private static OutboundLedgerEntry Entry(MailJob job, DateTimeOffset due, int requeues = 0) => new(job with { LedgeredAt = due }, due, requeues);

    private Task<IReadOnlyList<OutboundLedgerEntry>> ListAllAsync() => Ledger.ListDueBeforeAsync(DateTimeOffset.MaxValue, 100, Ct);

    [Fact]
    public async Task Every_outbound_job_of_one_message_has_its_own_entry_with_its_ids_intact()
    {
        MailJob accepted = TestData.Job();
        MailJob direct = accepted with { JobId = accepted.MessageId + ":outbound" };
        MailJob forward = accepted with { JobId = accepted.MessageId + ":forward:b.test" };

        await Ledger.RecordAsync(Entry(direct, Due), Ct);
        await Ledger.RecordAsync(Entry(forward, Due.AddMinutes(1), requeues: 2), Ct);

        var listed = await ListAllAsync();
        Assert.Equal([direct.JobId, forward.JobId], listed.Select(e => e.Job.JobId));
        Assert.All(listed, e => Assert.Equal(accepted.MessageId, e.Job.MessageId));
        Assert.Equal((Due, Due, 0), (listed[0].DueAt, listed[0].Job.LedgeredAt!.Value, listed[0].Requeues));
        Assert.Equal(2, listed[1].Requeues);
        TestData.AssertSameJob(direct with { LedgeredAt = Due }, listed[0].Job);
    }

    [Fact]
    public async Task Forget_removes_the_entry_named_by_the_settled_job_and_no_other()
    {
        MailJob accepted = TestData.Job();
        var first = Entry(accepted with { JobId = accepted.MessageId + ":outbound" }, Due);
        var retry = Entry(accepted with { JobId = accepted.MessageId + ":outbound:1", OutboundAttempt = 1 }, Due.AddHours(1));
        await Ledger.RecordAsync(first, Ct);
        await Ledger.RecordAsync(retry, Ct);

        // The job as the stage receives it: a copy read back from the queue.
        await Ledger.ForgetAsync(first.Job with { Recipients = [.. first.Job.EffectiveRecipients] }, Ct);

        Assert.Equal([retry.Job.JobId], (await ListAllAsync()).Select(e => e.Job.JobId));
        await Ledger.ForgetAsync(retry.Job with { LedgeredAt = null }, Ct); // no ledger time: names no entry
        Assert.Single(await ListAllAsync());
        await Ledger.ForgetAsync(retry.Job, Ct);
        Assert.Empty(await ListAllAsync());
    }

    [Fact]
    public async Task Only_entries_due_before_the_cutoff_are_listed()
    {
        MailJob job = TestData.Job();
        await Ledger.RecordAsync(Entry(job with { JobId = job.MessageId + ":outbound" }, Due), Ct);
        await Ledger.RecordAsync(Entry(job with { JobId = job.MessageId + ":outbound:1" }, Due.AddHours(2)), Ct);

        var listed = await Ledger.ListDueBeforeAsync(Due.AddHours(1), 10, Ct);

        Assert.Equal([job.MessageId + ":outbound"], listed.Select(e => e.Job.JobId));
    }
}
