namespace CloudMail.Core.Auth;

/// <summary>
/// The growing delay before a login is checked, as Dovecot's auth penalty: none without recent failures, then
/// <see cref="AuthOptions.FailureDelay"/> doubled per further failure, capped at <see cref="AuthOptions.MaxFailureDelay"/>.
/// </summary>
public static class AuthPenalty
{
    /// <summary>The delay for <paramref name="failures"/> recent failures. Pure; never throws.</summary>
    public static TimeSpan For(int failures, TimeSpan first, TimeSpan max)
    {
        if (failures <= 0 || first <= TimeSpan.Zero) return TimeSpan.Zero;
        // 2^30 times any positive first step is beyond any sensible cap, and the shift cannot overflow.
        int doublings = Math.Min(failures - 1, 30);
        double ticks = first.Ticks * (double)(1L << doublings);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
