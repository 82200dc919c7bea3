namespace CloudMail.Storage.Embedded.Tests.Support;

/// <summary>A clock the test moves by hand, for lease and delay tests without sleeping.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _utcTicks = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
