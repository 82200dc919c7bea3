namespace CloudMail.Core.Pipeline;

/// <summary>Exponential backoff for transient failures: 1 min, 2, 4, ... capped at 1 h, with ±10 % jitter.</summary>
public static class RetrySchedule
{
    /// <summary>Delay before attempt number <paramref name="deliveryCount"/> + 1.</summary>
    public static TimeSpan After(int deliveryCount)
    {
        double minutes = Math.Min(60, Math.Pow(2, Math.Clamp(deliveryCount - 1, 0, 10)));
        double jitter = 0.9 + Random.Shared.NextDouble() * 0.2;
        return TimeSpan.FromMinutes(minutes * jitter);
    }
}
