namespace CloudMail.Core.DmarcReporting;

/// <summary>
/// Per policy domain and UTC day, how many inbound messages had each <see cref="DmarcMessageResult"/>: the rows of the
/// DMARC aggregate reports (RFC 7489 §7.2). Embedded: SQLite. Azure: one Table partition per day.
/// <para>
/// Increments add one; they are not idempotent (a retried write may count a message twice, which a report tolerates),
/// but concurrent writers from several processes never lose each other's counts (a single UPSERT in SQLite, an ETag
/// guarded read-modify-write in Table). Rows grow with distinct results per day, never with messages;
/// <see cref="RemoveBeforeAsync"/> drops old days.
/// </para>
/// </summary>
public interface IDmarcReportStore
{
    /// <summary>Counts one message of <paramref name="day"/> under its policy domain.</summary>
    Task RecordAsync(DateOnly day, DmarcMessageResult result, CancellationToken cancellationToken);

    /// <summary>Policy domains with data for <paramref name="day"/> whose report is not marked sent, sorted.</summary>
    Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken);

    /// <summary>Everything counted for <paramref name="policyDomain"/> on <paramref name="day"/>, sorted by source address then key; empty when nothing.</summary>
    Task<IReadOnlyList<DmarcResultCount>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken);

    /// <summary>Marks the report of (<paramref name="policyDomain"/>, <paramref name="day"/>) sent (or given up): it is no longer listed. Idempotent.</summary>
    Task MarkSentAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken);

    /// <summary>Deletes every count and mark of days before <paramref name="day"/>; returns how many rows went.</summary>
    Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken);
}
