namespace CloudMail.Listener.Tests.Network;

/// <summary>A monotonic clock (<see cref="TimeProvider.GetTimestamp"/>) that moves only when the test says so.</summary>
internal sealed class SteppingClock : TimeProvider
{
    private long _ticks = 1;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
