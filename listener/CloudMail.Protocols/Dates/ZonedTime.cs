namespace CloudMail.Protocols.Dates;

/// <summary>A wall-clock time and a zone offset, as IMAP date-times and mbox separator lines write them.</summary>
public static class ZonedTime
{
    /// <summary>
    /// The instant <paramref name="local"/> at <paramref name="offset"/>, or false when that instant falls outside the
    /// years 1 to 9999 in UTC (<c>31-Dec-9999 23:59:59 -1400</c> is in the year 10000 there): what
    /// <see cref="DateTimeOffset"/> cannot hold is refused instead of thrown, since the text comes from clients.
    /// </summary>
    public static bool TryCreate(DateTime local, TimeSpan offset, out DateTimeOffset value)
    {
        value = default;
        long utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks) return false;
        value = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset);
        return true;
    }
}
