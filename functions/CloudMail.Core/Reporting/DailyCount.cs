namespace CloudMail.Core.Reporting;

/// <summary>How the recorders of the daily reports (TLS sessions, DMARC results) write one count.</summary>
public static class DailyCount
{
    /// <summary>
    /// Runs <paramref name="write"/> for the current UTC day of <paramref name="time"/>. A store failure goes to
    /// <paramref name="lost"/> (its message) and the count is lost: reports are telemetry, and the mail they describe must
    /// go on without them (deliberately not rethrown). Cancellation propagates.
    /// </summary>
    public static async Task RecordAsync(TimeProvider time, Func<DateOnly, Task> write, Action<string> lost)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(lost);
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        try
        {
            await write(day).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lost(e.Message);
        }
    }
}
