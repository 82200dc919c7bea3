using CloudMail.Core.Reporting;

namespace CloudMail.Core.TlsReporting;

/// <summary>
/// Per policy domain and UTC day, the counts of TLS sessions that an aggregate report (RFC 8460 §4) summarises: for each
/// policy, successful and failed sessions, and the failed ones grouped by <see cref="TlsFailureDetail"/>. Embedded:
/// SQLite. Azure: one Table partition per day.
/// <para>
/// Increments add one; they are not idempotent (a retried write may count a session twice, which a report tolerates),
/// but concurrent writers from several processes never lose each other's counts (a single UPSERT in SQLite, an ETag
/// guarded read-modify-write in Table). Rows grow with domains × policies × kinds of failure per day, never with
/// sessions; <see cref="IDailyReportStore.RemoveBeforeAsync"/> drops old days.
/// </para>
/// </summary>
public interface ITlsReportStore : IDailyReportStore
{
    /// <summary>Counts one session of <paramref name="day"/> (success or failure with its detail).</summary>
    Task RecordAsync(DateOnly day, TlsSessionResult session, CancellationToken cancellationToken);

    /// <summary>Everything counted for <paramref name="policyDomain"/> on <paramref name="day"/>; empty when nothing.</summary>
    Task<IReadOnlyList<TlsPolicyTally>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken);
}

/// <summary>The counts of one policy on one day.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="Successes">Sessions that negotiated TLS as the policy asks (<c>total-successful-session-count</c>).</param>
/// <param name="Failures">Sessions that did not (<c>total-failure-session-count</c>).</param>
/// <param name="Details">Failed sessions per kind of failure, sorted by result type then host.</param>
public sealed record TlsPolicyTally(TlsReportPolicy Policy, long Successes, long Failures, IReadOnlyList<TlsFailureCount> Details);

/// <summary>One kind of failure and how many sessions had it (<c>failed-session-count</c>).</summary>
public sealed record TlsFailureCount(TlsFailureDetail Detail, long Sessions);
