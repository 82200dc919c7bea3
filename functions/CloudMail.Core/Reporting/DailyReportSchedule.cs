namespace CloudMail.Core.Reporting;

/// <summary>Which UTC days' daily reports (TLS-RPT, DMARC aggregate) are due at a given time. Pure.</summary>
public static class DailyReportSchedule
{
    /// <summary>
    /// The days whose reports may go out at <paramref name="now"/>: the day before yesterday always (a day missed
    /// entirely, or a domain whose DNS failed all day), and yesterday from <paramref name="sendHourUtc"/> on. Oldest first.
    /// </summary>
    public static IReadOnlyList<DateOnly> DueDays(DateTimeOffset now, int sendHourUtc)
    {
        DateTime utc = now.UtcDateTime;
        var today = DateOnly.FromDateTime(utc);
        return utc.Hour >= sendHourUtc ? [today.AddDays(-2), today.AddDays(-1)] : [today.AddDays(-2)];
    }

    /// <summary>The first day whose counts are kept at <paramref name="now"/>: anything before it is deleted.</summary>
    public static DateOnly KeepFrom(DateTimeOffset now, int retentionDays) =>
        DateOnly.FromDateTime(now.UtcDateTime).AddDays(-retentionDays);
}
