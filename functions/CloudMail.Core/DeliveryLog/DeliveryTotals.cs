using CloudMail.Core.Directory;

namespace CloudMail.Core.DeliveryLog;

/// <summary>
/// The dashboard's totals of one day (UTC): recipients delivered in (to a local mailbox) and out (to a remote server), deferred
/// (a retry is scheduled) and bounced (failed permanently, including jobs deleted by an administrator), each from the
/// delivery log's records last updated that day (<see cref="IDeliveryLogStatistics"/>).
/// </summary>
public sealed record DeliveryTotals(DateOnly Day, int In, int Out, int Deferred, int Bounced)
{
    /// <summary>The totals of the UTC day of <paramref name="now"/>; a domain is local when <paramref name="directory"/> says so.</summary>
    public static async Task<DeliveryTotals> TodayAsync(IDeliveryLogStatistics statistics, IMailDirectory directory, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var since = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var counts = await statistics.CountSinceAsync(since, cancellationToken).ConfigureAwait(false);
        var local = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        int @in = 0, @out = 0;
        foreach (var delivered in counts.Where(c => c.Status == DeliveryStatus.Delivered))
        {
            if (!local.TryGetValue(delivered.Domain, out bool isLocal))
                local[delivered.Domain] = isLocal = await directory.IsLocalDomainAsync(delivered.Domain, cancellationToken).ConfigureAwait(false);
            if (isLocal) @in += delivered.Count;
            else @out += delivered.Count;
        }
        return new DeliveryTotals(day, @in, @out, Sum(counts, DeliveryStatus.Deferred), Sum(counts, DeliveryStatus.Failed));
    }

    private static int Sum(IEnumerable<DeliveryCount> counts, DeliveryStatus status) => counts.Where(c => c.Status == status).Sum(c => c.Count);
}
