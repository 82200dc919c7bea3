namespace CloudMail.Tests.Shared;

/// <summary>
/// A clock the test moves by hand (<see cref="Now"/> set, or <see cref="Advance"/>), for leases, delays, TTLs and
/// schedules without sleeping. Safe to read and move from several threads.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private long _utcTicks;

    /// <summary>A clock at 2026-11-29 12:00 UTC.</summary>
    public ManualClock()
        : this(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>A clock at <paramref name="start"/>.</summary>
    public ManualClock(DateTimeOffset start) => _utcTicks = start.UtcTicks;

    /// <summary>The time this clock tells (UTC).</summary>
    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _utcTicks, value.UtcTicks);
    }

    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Moves the clock on by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
