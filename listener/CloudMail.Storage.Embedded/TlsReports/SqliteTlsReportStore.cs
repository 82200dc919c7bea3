using CloudMail.Core.TlsReporting;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.TlsReports;

/// <summary>
/// <see cref="ITlsReportStore"/> in mail.db: each count is one UPSERT that adds to the row in place, so concurrent writers
/// (the server and another process on the same folder) never lose one another's counts.
/// </summary>
internal sealed class SqliteTlsReportStore(SqliteDatabase db, TimeProvider time) : ITlsReportStore
{
    private readonly DailyReportTables _days = new(db, "tls_report_policies", "tls_report_sent", "tls_report_failures");

    public Task RecordAsync(DateOnly day, TlsSessionResult session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        TlsReportPolicy p = session.Policy;
        string domain = TlsReportPolicy.Normalize(p.PolicyDomain);
        string key = p.Key;
        int success = session.Succeeded ? 1 : 0;
        return db.WriteAsync(c =>
        {
            c.Execute("""
                INSERT INTO tls_report_policies (day, policy_domain, policy_key, policy_type, policy_strings, mx_hosts, successes, failures)
                VALUES (@day, @d, @k, @type, @strings, @mx, @ok, @failed)
                ON CONFLICT (day, policy_domain, policy_key) DO UPDATE SET
                    successes = successes + excluded.successes, failures = failures + excluded.failures
                """, ("@day", day.DayNumber), ("@d", domain), ("@k", key), ("@type", p.Type.ToWireName()),
                ("@strings", TlsReportRows.ToJson(p.PolicyStrings)), ("@mx", TlsReportRows.ToJson(p.MxHosts)),
                ("@ok", success), ("@failed", 1 - success));
            if (session.Failure is not { } f) return;
            c.Execute("""
                INSERT INTO tls_report_failures (day, policy_domain, policy_key, detail_key, result_type, sending_mta_ip,
                    receiving_mx_hostname, receiving_ip, failure_reason_code, sessions)
                VALUES (@day, @d, @k, @detail, @type, @ip, @mx, @rip, @code, 1)
                ON CONFLICT (day, policy_domain, policy_key, detail_key) DO UPDATE SET sessions = sessions + 1
                """, ("@day", day.DayNumber), ("@d", domain), ("@k", key), ("@detail", f.Key), ("@type", f.ResultType),
                ("@ip", f.SendingMtaIp), ("@mx", f.ReceivingMxHostname), ("@rip", f.ReceivingIp), ("@code", f.FailureReasonCode));
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken) =>
        _days.UnsentDomainsAsync(day, cancellationToken);

    public Task<IReadOnlyList<TlsPolicyTally>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken)
    {
        string domain = TlsReportPolicy.Normalize(policyDomain);
        return db.ReadAsync<IReadOnlyList<TlsPolicyTally>>(c =>
        {
            var details = c.Query("""
                SELECT policy_key, result_type, sending_mta_ip, receiving_mx_hostname, receiving_ip, failure_reason_code, sessions
                FROM tls_report_failures WHERE day = @day AND policy_domain = @d
                """, r => (Key: r.GetString(0), Count: new TlsFailureCount(new TlsFailureDetail(r.GetString(1), Text(r, 2), Text(r, 3), Text(r, 4), Text(r, 5)), r.GetInt64(6))),
                ("@day", day.DayNumber), ("@d", domain)).ToLookup(d => d.Key, d => d.Count);
            return c.Query("""
                SELECT policy_key, policy_type, policy_strings, mx_hosts, successes, failures
                FROM tls_report_policies WHERE day = @day AND policy_domain = @d ORDER BY policy_type, policy_key
                """, r => new TlsPolicyTally(
                    new TlsReportPolicy(TlsReportRows.Type(r.GetString(1)), domain, TlsReportRows.FromJson(r.GetString(2)), TlsReportRows.FromJson(r.GetString(3))),
                    r.GetInt64(4), r.GetInt64(5), TlsReportRows.Sort(details[r.GetString(0)])),
                ("@day", day.DayNumber), ("@d", domain));
        }, cancellationToken);
    }

    public Task MarkSentAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken) =>
        _days.MarkSentAsync(TlsReportPolicy.Normalize(policyDomain), day, time.GetUtcNow(), cancellationToken);

    public Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken) => _days.RemoveBeforeAsync(day, cancellationToken);

    private static string? Text(SqliteDataReader r, int column) => r.IsDBNull(column) ? null : r.GetString(column);
}
