using CloudMail.Core.Directory;

namespace CloudMail.Core.DeliveryLog;

/// <summary>
/// The dashboard's totals of one day (UTC): recipients delivered in (to a local mailbox) and out (to a remote server), deferred
/// (a retry is scheduled) and bounced (failed permanently, including jobs deleted by an administrator), each from the
/// delivery log's records last updated that day (<see cref="IDeliveryLogStatistics"/>).
/// </summary>
public sealed record DeliveryTotals(DateOnly Day, int In, int Out, int Deferred, int Bounced)
{
    /// <summary>The totals of the UTC day of <paramref name="now"/>; a domain is local when <paramref name="directory"/> lists it.</summary>
    public static async Task<DeliveryTotals> TodayAsync(IDeliveryLogStatistics statistics, IMailDirectory directory, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var since = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var counts = await statistics.CountSinceAsync(since, cancellationToken).ConfigureAwait(false);
        var local = new HashSet<string>(await directory.ListDomainsAsync(cancellationToken).ConfigureAwait(false), StringComparer.OrdinalIgnoreCase);
        var delivered = counts.Where(c => c.Status == DeliveryStatus.Delivered).ToList();
        int @in = delivered.Where(c => local.Contains(c.Domain)).Sum(c => c.Count);
        int @out = delivered.Sum(c => c.Count) - @in;
        return new DeliveryTotals(day, @in, @out, Sum(counts, DeliveryStatus.Deferred), Sum(counts, DeliveryStatus.Failed));
    }

    private static int Sum(IEnumerable<DeliveryCount> counts, DeliveryStatus status) => counts.Where(c => c.Status == status).Sum(c => c.Count);
}
