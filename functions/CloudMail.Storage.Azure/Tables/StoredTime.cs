namespace CloudMail.Storage.Azure.Tables;

/// <summary>
/// Instants are stored in Table entities as Int64 UTC ticks (exact to 100 ns, unlike Edm.DateTime whose
/// precision differs between Azure and Azurite), with the original UTC offset in minutes where it matters
/// (IMAP INTERNALDATE).
/// </summary>
internal static class StoredTime
{
    public static long ToTicks(DateTimeOffset value) => value.UtcTicks;

    public static DateTimeOffset FromTicks(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    public static DateTimeOffset FromTicks(long utcTicks, int offsetMinutes) =>
        new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    public static int OffsetMinutes(DateTimeOffset value) => (int)value.Offset.TotalMinutes;
}
