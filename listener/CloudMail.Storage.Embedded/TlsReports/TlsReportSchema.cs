namespace CloudMail.Storage.Embedded.TlsReports;

/// <summary>Tables of TLS report counts (in the main database, migration 4). Days are <see cref="DateOnly.DayNumber"/>.</summary>
internal static class TlsReportSchema
{
    public const string V1 = """
        -- Per day, policy domain and policy (TlsReportPolicy.Key): session counts.
        CREATE TABLE tls_report_policies (
            day             INTEGER NOT NULL,
            policy_domain   TEXT    NOT NULL,
            policy_key      TEXT    NOT NULL,
            policy_type     TEXT    NOT NULL,             -- sts, tlsa, no-policy-found
            policy_strings  TEXT    NOT NULL,             -- JSON array
            mx_hosts        TEXT    NOT NULL,             -- JSON array
            successes       INTEGER NOT NULL DEFAULT 0,
            failures        INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, policy_domain, policy_key)
        ) WITHOUT ROWID;
        -- Failed sessions per kind of failure (TlsFailureDetail.Key) of one policy.
        CREATE TABLE tls_report_failures (
            day                    INTEGER NOT NULL,
            policy_domain          TEXT    NOT NULL,
            policy_key             TEXT    NOT NULL,
            detail_key             TEXT    NOT NULL,
            result_type            TEXT    NOT NULL,
            sending_mta_ip         TEXT,
            receiving_mx_hostname  TEXT,
            receiving_ip           TEXT,
            failure_reason_code    TEXT,
            sessions               INTEGER NOT NULL,
            PRIMARY KEY (day, policy_domain, policy_key, detail_key)
        ) WITHOUT ROWID;
        -- Reports sent (or given up on), so a day is not reported twice.
        CREATE TABLE tls_report_sent (
            day             INTEGER NOT NULL,
            policy_domain   TEXT    NOT NULL,
            sent_at         INTEGER NOT NULL,             -- UTC ticks
            PRIMARY KEY (day, policy_domain)
        ) WITHOUT ROWID;
        """;
}
