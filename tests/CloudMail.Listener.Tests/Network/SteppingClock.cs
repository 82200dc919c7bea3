namespace CloudMail.Listener.Tests.Network;

/// <summary>A clock (monotonic <see cref="TimeProvider.GetTimestamp"/> and wall-clock <see cref="TimeProvider.GetUtcNow"/>) that moves only when the test says so.</summary>
internal sealed class SteppingClock : TimeProvider
{
    private long _ticks = 1;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(Interlocked.Read(ref _ticks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
