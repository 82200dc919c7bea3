namespace CloudMail.Filtering.Tests;

/// <summary>A clock that says <paramref name="now"/>.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
