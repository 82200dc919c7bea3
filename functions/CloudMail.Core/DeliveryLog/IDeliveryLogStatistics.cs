namespace CloudMail.Core.DeliveryLog;

/// <summary>How many delivery-log records of one status, to recipients of one domain, were last updated in a time span.</summary>
/// <param name="Domain">The recipients' domain, lower-cased.</param>
public sealed record DeliveryCount(DeliveryStatus Status, string Domain, int Count);

/// <summary>
/// Totals over the delivery log for the admin console's dashboard. Optional: a backend that cannot count cheaply does not
/// register it, and the dashboard says so. Embedded: one grouped scan of the SQLite table.
/// </summary>
public interface IDeliveryLogStatistics
{
    /// <summary>
    /// Counts of records whose last update is at or after <paramref name="since"/>, grouped by status and recipient domain.
    /// A record counts once, with the status it has now (a message deferred this morning and delivered since counts as delivered).
    /// </summary>
    Task<IReadOnlyList<DeliveryCount>> CountSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
