namespace CloudMail.Core.Reporting;

/// <summary>
/// The day-keyed bookkeeping every daily report store shares (TLS-RPT <see cref="TlsReporting.ITlsReportStore"/>, DMARC
/// <see cref="DmarcReporting.IDmarcReportStore"/>): which policy domains of a UTC day still await their report, marking
/// one sent, and dropping old days.
/// </summary>
public interface IDailyReportStore
{
    /// <summary>Policy domains with data for <paramref name="day"/> whose report is not marked sent, sorted.</summary>
    Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken);

    /// <summary>Marks the report of (<paramref name="policyDomain"/>, <paramref name="day"/>) sent (or given up): it is no longer listed. Idempotent.</summary>
    Task MarkSentAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken);

    /// <summary>Deletes every count and mark of days before <paramref name="day"/>; returns how many rows went.</summary>
    Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken);
}
