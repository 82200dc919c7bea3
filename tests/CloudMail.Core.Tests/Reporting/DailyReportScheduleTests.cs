using CloudMail.Core.Reporting;

namespace CloudMail.Core.Tests.Reporting;

/// <summary>Which days' daily reports (TLS-RPT, DMARC) are due when.</summary>
public sealed class DailyReportScheduleTests
{
    [Theory]
    [InlineData("2026-12-04T00:30:00Z", 1, new[] { "2026-12-02" })]
    [InlineData("2026-12-04T01:00:00Z", 1, new[] { "2026-12-02", "2026-12-03" })]
    [InlineData("2026-12-04T23:59:00Z", 0, new[] { "2026-12-02", "2026-12-03" })]
    public void Yesterday_is_due_from_the_send_hour_and_the_day_before_always(string now, int sendHour, string[] expected)
    {
        var due = DailyReportSchedule.DueDays(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), sendHour);

        Assert.Equal(expected.Select(d => DateOnly.Parse(d, System.Globalization.CultureInfo.InvariantCulture)), due);
    }
}
