namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>How instants are stored: UTC ticks (exact), or Unix milliseconds where ordering is all that matters.</summary>
internal static class StoredTime
{
    public static long ToTicks(DateTimeOffset value) => value.UtcTicks;

    public static DateTimeOffset FromTicks(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    /// <summary>The instant in UTC ticks plus the original offset in minutes (IMAP INTERNALDATE keeps its zone).</summary>
    public static (long UtcTicks, int OffsetMinutes) ToTicksWithOffset(DateTimeOffset value) =>
        (value.UtcTicks, (int)value.Offset.TotalMinutes);

    public static DateTimeOffset FromTicksWithOffset(long utcTicks, int offsetMinutes)
    {
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    public static long ToUnixMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}
