using CloudMail.Core.Filtering.Training;

namespace CloudMail.ContractTests;

/// <summary>The <see cref="ISpamTrainingStore"/> contract: signals per account, newest first, and the learner's due list.</summary>
public abstract class SpamTrainingStoreContractTests : ContractTest<ISpamTrainingStore>
{
    protected ISpamTrainingStore Store => Subject;

    private static TrainingSignal Signal(string account, TrainingKind kind, DateTimeOffset at) =>
        new(Guid.NewGuid().ToString("N"), account, kind, Unique.MessageId(), "INBOX", "Junk", at);

    [Fact]
    public async Task Signals_are_listed_per_account_newest_first_and_recording_again_changes_nothing()
    {
        string alice = Unique.Account(), bob = Unique.Account();
        var at = TestData.Now();
        var first = Signal(alice, TrainingKind.Spam, at);
        var second = Signal(alice, TrainingKind.Ham, at.AddMinutes(1)) with { Source = "Junk", Destination = "Archive/2026" };
        var other = Signal(bob, TrainingKind.Spam, at);
        foreach (var s in new[] { first, second, other }) await Store.RecordAsync(s, Ct);
        await Store.RecordAsync(first with { Kind = TrainingKind.Ham }, Ct);

        Assert.Equal([second, first], await Store.ListAsync(alice, 10, Ct));
        Assert.Equal([second], await Store.ListAsync(alice, 1, Ct));
        Assert.Equal([other], await Store.ListAsync(bob, 10, Ct));
        var everyone = await Store.ListAsync(null, 100_000, Ct);
        Assert.Contains(first, everyone);
        Assert.Contains(other, everyone);
    }

    [Fact]
    public async Task Pending_signals_are_due_until_they_are_learned_or_given_up_and_a_retry_waits()
    {
        string account = Unique.Account();
        var at = TestData.Now().AddYears(-1);
        var learned = Signal(account, TrainingKind.Spam, at);
        var retried = Signal(account, TrainingKind.Ham, at.AddSeconds(1));
        var failed = Signal(account, TrainingKind.Spam, at.AddSeconds(2));
        foreach (var s in new[] { learned, retried, failed }) await Store.RecordAsync(s, Ct);
        Assert.Equal([learned.Id, retried.Id, failed.Id], await DueOf(account, at.AddMinutes(1)));

        await Store.UpdateAsync(learned with { State = TrainingState.Learned, Attempts = 1 }, Ct);
        var later = retried with { Attempts = 1, NextAttemptAt = at.AddHours(1), LastError = "503 busy" };
        await Store.UpdateAsync(later, Ct);
        await Store.UpdateAsync(failed with { State = TrainingState.Failed, Attempts = 1, LastError = "204 skipped" }, Ct);

        Assert.Empty(await DueOf(account, at.AddMinutes(1)));
        Assert.Equal([retried.Id], await DueOf(account, at.AddHours(2)));
        var listed = await Store.ListAsync(account, 10, Ct);
        Assert.Equal(later, listed.Single(s => s.Id == retried.Id));
        Assert.Equal(learned with { State = TrainingState.Learned, Attempts = 1 }, listed.Single(s => s.Id == learned.Id));
        Assert.Equal("204 skipped", listed.Single(s => s.Id == failed.Id).LastError);
    }

    private async Task<List<string>> DueOf(string account, DateTimeOffset now) =>
        [.. (await Store.ListDueAsync(now, 100_000, Ct)).Where(s => s.Account == account).Select(s => s.Id)];

    [Fact]
    public async Task Signals_done_with_and_recorded_before_the_cutoff_are_forgotten_and_pending_ones_kept()
    {
        string account = Unique.Account();
        var longAgo = new DateTimeOffset(1991, 1, 1, 0, 0, 0, TimeSpan.Zero); // before anything other tests record
        var learned = Signal(account, TrainingKind.Spam, longAgo);
        var failed = Signal(account, TrainingKind.Ham, longAgo.AddSeconds(1));
        var pending = Signal(account, TrainingKind.Spam, longAgo.AddSeconds(2));
        var recent = Signal(account, TrainingKind.Spam, longAgo.AddDays(60));
        foreach (var s in new[] { learned, failed, pending, recent }) await Store.RecordAsync(s, Ct);
        await Store.UpdateAsync(learned with { State = TrainingState.Learned, Attempts = 1 }, Ct);
        await Store.UpdateAsync(failed with { State = TrainingState.Failed, Attempts = 5, LastError = "refused" }, Ct);
        await Store.UpdateAsync(recent with { State = TrainingState.Learned, Attempts = 1 }, Ct);

        // At least these two: the store may be shared with other tests of the run (they record no signals this old, but
        // one may leave a settled one from an even older year).
        Assert.True(await Store.ForgetSettledBeforeAsync(longAgo.AddDays(30), Ct) >= 2);

        Assert.Equal([recent.Id, pending.Id], (await Store.ListAsync(account, 10, Ct)).Select(s => s.Id));
    }
}
