using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="IIntakeOutbox"/> contract: durable markers listed by age and removed marker by marker. Listing is
/// global, so every test gets a fresh, empty outbox from <see cref="ContractTest{TContract}.CreateSubjectAsync"/> (a new
/// table, a new folder). Times are in distinct UTC hours where the hour matters (the Azure partition).
/// </summary>
public abstract class IntakeOutboxContractTests : ContractTest<IIntakeOutbox>
{
    /// <summary>The start of a UTC hour, so that adding minutes stays inside it.</summary>
    private static readonly DateTimeOffset Hour0 = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);

    protected IIntakeOutbox Outbox => Subject;

    private static IntakeMarker Marker(DateTimeOffset at, int requeues = 0, MailJob? job = null) => new(job ?? TestData.Job(), at, requeues);

    private Task<IReadOnlyList<IntakeMarker>> ListAllAsync() => Outbox.ListRecordedBeforeAsync(DateTimeOffset.MaxValue, 1000, Ct);

    [Fact]
    public async Task A_recorded_marker_is_listed_with_its_job_time_and_requeues_intact()
    {
        MailJob job = TestData.Job();
        var recorded = Marker(Hour0.AddMinutes(7).AddTicks(1234567), requeues: 2, job: job);

        await Outbox.RecordAsync(recorded, Ct);

        IntakeMarker listed = Assert.Single(await Outbox.ListRecordedBeforeAsync(Hour0.AddHours(1), 10, Ct));
        TestData.AssertSameJob(job, listed.Job);
        Assert.Equal(recorded.RecordedAt, listed.RecordedAt);
        Assert.Equal(TimeSpan.Zero, listed.RecordedAt.Offset);
        Assert.Equal(2, listed.Requeues);
    }

    [Fact]
    public async Task Markers_recorded_at_or_after_the_cutoff_are_not_listed()
    {
        DateTimeOffset cutoff = Hour0.AddMinutes(30);
        var before = Marker(cutoff.AddTicks(-1));
        await Outbox.RecordAsync(before, Ct);
        await Outbox.RecordAsync(Marker(cutoff), Ct);
        await Outbox.RecordAsync(Marker(cutoff.AddMinutes(1)), Ct);
        await Outbox.RecordAsync(Marker(cutoff.AddHours(3)), Ct);

        IReadOnlyList<IntakeMarker> listed = await Outbox.ListRecordedBeforeAsync(cutoff, 10, Ct);

        Assert.Equal([before.Job.MessageId], listed.Select(m => m.Job.MessageId));
    }

    [Fact]
    public async Task At_most_max_markers_are_listed_older_hours_first_and_sorted_by_time()
    {
        var third = Marker(Hour0.AddHours(2).AddMinutes(5));
        var first = Marker(Hour0.AddMinutes(50));
        var second = Marker(Hour0.AddHours(1).AddMinutes(1));
        foreach (var marker in new[] { third, first, second }) await Outbox.RecordAsync(marker, Ct);

        IReadOnlyList<IntakeMarker> two = await Outbox.ListRecordedBeforeAsync(Hour0.AddDays(1), 2, Ct);
        IReadOnlyList<IntakeMarker> all = await Outbox.ListRecordedBeforeAsync(Hour0.AddDays(1), 10, Ct);

        Assert.Equal([first.Job.MessageId, second.Job.MessageId], two.Select(m => m.Job.MessageId));
        Assert.Equal([first.Job.MessageId, second.Job.MessageId, third.Job.MessageId], all.Select(m => m.Job.MessageId));
    }

    [Fact]
    public async Task A_removed_marker_is_no_longer_listed_and_removing_it_again_is_harmless()
    {
        var kept = Marker(Hour0.AddMinutes(1));
        var removed = Marker(Hour0.AddMinutes(2));
        await Outbox.RecordAsync(kept, Ct);
        await Outbox.RecordAsync(removed, Ct);

        await Outbox.RemoveAsync(removed, Ct);
        await Outbox.RemoveAsync(removed, Ct);
        await Outbox.RemoveAsync(Marker(Hour0.AddMinutes(3)), Ct); // never recorded

        Assert.Equal([kept.Job.MessageId], (await ListAllAsync()).Select(m => m.Job.MessageId));
    }

    [Theory]
    [InlineData(10)] // the same UTC hour
    [InlineData(90)] // a later hour
    public async Task Recording_a_newer_marker_and_removing_the_old_one_leaves_only_the_newer(int minutesLater)
    {
        // What the sweeper does when it enqueues a job again.
        var old = Marker(Hour0.AddMinutes(5));
        var newer = old with { RecordedAt = old.RecordedAt.AddMinutes(minutesLater), Requeues = 1 };
        await Outbox.RecordAsync(old, Ct);

        await Outbox.RecordAsync(newer, Ct);
        await Outbox.RemoveAsync(old, Ct);

        IntakeMarker listed = Assert.Single(await ListAllAsync());
        Assert.Equal(newer.RecordedAt, listed.RecordedAt);
        Assert.Equal(1, listed.Requeues);
        Assert.Empty(await Outbox.ListRecordedBeforeAsync(newer.RecordedAt, 10, Ct));
    }

    [Fact]
    public async Task Removing_a_marker_removes_only_that_message()
    {
        var a = Marker(Hour0.AddMinutes(1));
        var b = Marker(Hour0.AddMinutes(1));
        await Outbox.RecordAsync(a, Ct);
        await Outbox.RecordAsync(b, Ct);

        await Outbox.RemoveAsync(a, Ct);

        Assert.Equal([b.Job.MessageId], (await ListAllAsync()).Select(m => m.Job.MessageId));
    }

    [Fact]
    public async Task A_job_with_many_recipients_and_a_recipient_subset_round_trips()
    {
        // About 100 KB of JSON: more than one Table property holds.
        string[] recipients = [.. Enumerable.Range(0, 1500).Select(i => $"recipient-{i:D5}-{Unique.Suffix()}@many.contract.test")];
        MailJob job = TestData.Job(recipients: recipients[..2]) with { Envelope = TestData.Envelope(recipients) };

        await Outbox.RecordAsync(Marker(Hour0, job: job), Ct);

        TestData.AssertSameJob(job, Assert.Single(await ListAllAsync()).Job);
    }
}
