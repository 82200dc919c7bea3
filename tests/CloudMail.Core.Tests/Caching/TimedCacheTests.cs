using CloudMail.Core.Caching;

namespace CloudMail.Core.Tests.Caching;

public sealed class TimedCacheTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly Clock _clock = new();

    [Fact]
    public void A_value_is_reused_for_the_duration_then_read_again()
    {
        var cache = new TimedCache<int>(_clock, TimeSpan.FromMinutes(1));
        cache.Put("a", 1);

        Assert.True(cache.TryGet("a", out int value));
        Assert.Equal(1, value);
        _clock.Now += TimeSpan.FromMinutes(1);
        Assert.False(cache.TryGet("a", out _));
        cache.Put("a", 2); // renewed in place
        Assert.True(cache.TryGet("a", out value));
        Assert.Equal(2, value);
        cache.Forget("a");
        Assert.False(cache.TryGet("a", out _));
    }

    [Fact]
    public void A_zero_duration_remembers_nothing()
    {
        var cache = new TimedCache<int>(_clock, TimeSpan.Zero);
        cache.Put("a", 1);

        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Keys_without_end_keep_the_cache_under_twice_the_sweep_interval()
    {
        var cache = new TimedCache<int>(_clock, TimeSpan.FromMinutes(1), sweepEvery: 100);
        for (int i = 0; i < 1000; i++)
        {
            cache.Put("key" + i, i);
            Assert.True(cache.Count < 200, $"{cache.Count} entries after {i + 1} additions");
        }

    }

    [Fact]
    public void A_sweep_drops_the_expired_entries_and_keeps_the_fresh_ones_while_there_is_room()
    {
        var cache = new TimedCache<int>(_clock, TimeSpan.FromMinutes(1), sweepEvery: 100);
        for (int i = 0; i < 50; i++) cache.Put("old" + i, i);
        _clock.Now += TimeSpan.FromMinutes(2);
        for (int i = 0; i < 50; i++) cache.Put("fresh" + i, i); // the 100th addition sweeps

        Assert.Equal(50, cache.Count);
        Assert.True(cache.TryGet("fresh0", out _));
    }
}
