namespace CloudMail.Storage.Embedded.DmarcReports;

/// <summary>Tables of DMARC aggregate report counts (in the main database, migration 9). Days are <see cref="DateOnly.DayNumber"/>.</summary>
internal static class DmarcReportSchema
{
    public const string V1 = """
        -- Per day, policy domain and message result (DmarcMessageResult.Key): how many messages had it.
        CREATE TABLE dmarc_report_rows (
            day             INTEGER NOT NULL,
            policy_domain   TEXT    NOT NULL,
            row_key         TEXT    NOT NULL,
            source_ip       TEXT    NOT NULL,
            header_from     TEXT    NOT NULL,
            envelope_from   TEXT    NOT NULL,
            disposition     TEXT    NOT NULL,             -- none, quarantine, reject
            dkim_aligned    INTEGER NOT NULL,
            spf_aligned     INTEGER NOT NULL,
            dkim_results    TEXT    NOT NULL,             -- JSON array of [domain, selector, result]
            spf_domain      TEXT    NOT NULL,
            spf_scope       TEXT    NOT NULL,
            spf_result      TEXT    NOT NULL,
            messages        INTEGER NOT NULL,
            PRIMARY KEY (day, policy_domain, row_key)
        ) WITHOUT ROWID;
        -- Reports sent (or given up on), so a day is not reported twice.
        CREATE TABLE dmarc_report_sent (
            day             INTEGER NOT NULL,
            policy_domain   TEXT    NOT NULL,
            sent_at         INTEGER NOT NULL,             -- UTC ticks
            PRIMARY KEY (day, policy_domain)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Migration 18: the <c>policy_evaluated/reason</c> elements of each
    /// row (RFC 7489 Appendix C), a JSON array of [type, comment]; rows counted before it have none.
    /// </summary>
    public const string V2 = """
        ALTER TABLE dmarc_report_rows ADD COLUMN reasons TEXT NOT NULL DEFAULT '';
        """;
}
