using CloudMail.Core.Reporting;

namespace CloudMail.Core.DmarcReporting;

/// <summary>
/// Per policy domain and UTC day, how many inbound messages had each <see cref="DmarcMessageResult"/>: the rows of the
/// DMARC aggregate reports (RFC 7489 §7.2). Embedded: SQLite. Azure: one Table partition per day.
/// <para>
/// Increments add one; they are not idempotent (a retried write may count a message twice, which a report tolerates),
/// but concurrent writers from several processes never lose each other's counts (a single UPSERT in SQLite, an ETag
/// guarded read-modify-write in Table). Rows grow with distinct results per day, never with messages;
/// <see cref="IDailyReportStore.RemoveBeforeAsync"/> drops old days.
/// </para>
/// </summary>
public interface IDmarcReportStore : IDailyReportStore
{
    /// <summary>Counts one message of <paramref name="day"/> under its policy domain.</summary>
    Task RecordAsync(DateOnly day, DmarcMessageResult result, CancellationToken cancellationToken);

    /// <summary>Everything counted for <paramref name="policyDomain"/> on <paramref name="day"/>, sorted by source address then key; empty when nothing.</summary>
    Task<IReadOnlyList<DmarcResultCount>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken);
}
