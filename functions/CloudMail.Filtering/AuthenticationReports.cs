using System.Runtime.CompilerServices;
using CloudMail.Filtering.Results;

namespace CloudMail.Filtering;

/// <summary>
/// The <see cref="AuthenticationFilter"/>'s report of one filter-chain run, kept for the filters after it (spam scoring
/// weighs it): keyed, like <see cref="ParsedMessages"/>, by the run's <c>open</c> delegate, held weakly, so a report lives
/// exactly as long as its run and is never seen by another message.
/// </summary>
public static class AuthenticationReports
{
    private static readonly ConditionalWeakTable<Delegate, AuthenticationReport> Runs = [];

    /// <summary>Keeps <paramref name="report"/> as the authentication of the run <paramref name="open"/> belongs to.</summary>
    public static void Record(Func<CancellationToken, Task<Stream>> open, AuthenticationReport report)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(report);
        Runs.AddOrUpdate(open, report);
    }

    /// <summary>The report of the run, or null when no authentication check ran in it (checks off, or a submission).</summary>
    public static AuthenticationReport? Of(Func<CancellationToken, Task<Stream>> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        return Runs.TryGetValue(open, out var report) ? report : null;
    }
}
