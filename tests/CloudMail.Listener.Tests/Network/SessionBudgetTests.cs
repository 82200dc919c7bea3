using CloudMail.Listener.Network;

namespace CloudMail.Listener.Tests.Network;

/// <summary>
/// <see cref="SessionBudget"/>: the sessions an open-file limit leaves room for once a quarter of it is kept for the rest
/// of the process, never fewer than <see cref="SessionBudget.MinCapacity"/>, no limit when the limit is not known; places
/// are taken and given back one at a time, never beyond the capacity.
/// </summary>
public sealed class SessionBudgetTests
{
    [Theory]
    [InlineData(20_000L, 300, 14_700)]       // this machine's limit: a quarter (5,000) kept
    [InlineData(1_048_576L, 250, 786_182)]   // a container's usual limit
    [InlineData(512L, 240, 144)]             // a quarter is 128
    [InlineData(200L, 100, 36)]              // the reserve is at least 64
    [InlineData(300L, 261, 8)]               // too low for any: still MinCapacity
    public void The_capacity_is_what_the_limit_leaves_after_its_reserve_and_what_is_open(long limit, int open, int capacity) =>
        Assert.Equal(capacity, SessionBudget.For(limit, open).Capacity);

    [Theory]
    [InlineData(20_000L, 1_250)]
    [InlineData(512L, 32)]
    [InlineData(300L, 18)]
    public void Refusals_under_way_get_a_quarter_of_the_reserve(long limit, int refusals) =>
        Assert.Equal(refusals, SessionBudget.For(limit, 200).RefusalCapacity);

    [Fact]
    public void An_unknown_limit_or_count_means_no_budget()
    {
        Assert.Equal(int.MaxValue, SessionBudget.For(null, 100).Capacity);
        Assert.Equal(int.MaxValue, SessionBudget.For(null, 100).RefusalCapacity);
        Assert.Equal(int.MaxValue, SessionBudget.For(20_000, null).Capacity);
    }

    [Fact]
    public void Places_are_refused_at_the_capacity_and_given_back_one_at_a_time()
    {
        var budget = new SessionBudget(2);

        Assert.True(budget.TryTake());
        Assert.True(budget.TryTake());
        Assert.False(budget.TryTake());
        Assert.Equal(2, budget.Taken);
        budget.Release();
        Assert.True(budget.TryTake());
        Assert.False(budget.TryTake());
    }

    [Fact]
    public void Racing_takers_never_hold_more_than_the_capacity()
    {
        var budget = new SessionBudget(50);
        int granted = 0;
        Parallel.For(0, 1_000, _ =>
        {
            if (budget.TryTake()) Interlocked.Increment(ref granted);
        });

        Assert.Equal(50, granted);
        Assert.Equal(50, budget.Taken);
    }
}
