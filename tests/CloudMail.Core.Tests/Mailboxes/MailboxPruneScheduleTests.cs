using CloudMail.Core.Mailboxes;

namespace CloudMail.Core.Tests.Mailboxes;

public sealed class MailboxPruneScheduleTests
{
    private readonly Clock _clock = new();
    private readonly MailboxIndexOptions _options = new()
    {
        ExpungeLogRetention = TimeSpan.FromDays(30),
        AppendKeyRetention = TimeSpan.FromDays(7),
        PruneInterval = TimeSpan.FromHours(1),
    };

    [Fact]
    public void An_account_is_due_on_its_first_write_and_then_once_per_interval()
    {
        var schedule = new MailboxPruneSchedule(_options, _clock);

        PruneCutoffs? first = schedule.TakeDue("a@x.test");
        Assert.Null(schedule.TakeDue("a@x.test"));
        Assert.NotNull(schedule.TakeDue("b@x.test"));
        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Null(schedule.TakeDue("a@x.test"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(schedule.TakeDue("a@x.test"));

        Assert.Equal(new PruneCutoffs(Clock.Start - TimeSpan.FromDays(30), Clock.Start - TimeSpan.FromDays(7)), first);
    }

    [Fact]
    public void A_failed_prune_is_due_again_on_the_next_write()
    {
        var schedule = new MailboxPruneSchedule(_options, _clock);
        Assert.NotNull(schedule.TakeDue("a@x.test"));

        schedule.Forget("a@x.test");

        Assert.NotNull(schedule.TakeDue("a@x.test"));
    }

    [Fact]
    public void Options_out_of_range_are_reported()
    {
        Assert.Empty(new MailboxIndexOptions().Problems());
        Assert.Equal(3, new MailboxIndexOptions { ExpungeLogRetention = TimeSpan.Zero, AppendKeyRetention = TimeSpan.FromMinutes(5), PruneInterval = TimeSpan.Zero }
            .Problems().Count);
    }

    private sealed class Clock : TimeProvider
    {
        public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private DateTimeOffset _now = Start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

public sealed class InProcessMaildropLocksTests
{
    [Fact]
    public async Task A_second_session_is_refused_until_the_first_releases_and_case_does_not_matter()
    {
        var locks = new InProcessMaildropLocks();

        IAsyncDisposable? first = await locks.TryAcquireAsync("a@x.test", CancellationToken.None);
        Assert.NotNull(first);
        Assert.Null(await locks.TryAcquireAsync("A@X.TEST", CancellationToken.None));
        await first.DisposeAsync();
        await first.DisposeAsync();

        Assert.NotNull(await locks.TryAcquireAsync("a@x.test", CancellationToken.None));
    }
}
