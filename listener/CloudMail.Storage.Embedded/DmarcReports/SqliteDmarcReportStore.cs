using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Storage.Embedded.Sqlite;

namespace CloudMail.Storage.Embedded.DmarcReports;

/// <summary>
/// <see cref="IDmarcReportStore"/> in mail.db: each count is one UPSERT that adds to the row in place, so concurrent writers
/// (the server and another process on the same folder) never lose one another's counts.
/// </summary>
internal sealed class SqliteDmarcReportStore(SqliteDatabase db, TimeProvider time) : IDmarcReportStore
{
    private readonly DailyReportTables _days = new(db, "dmarc_report_rows", "dmarc_report_sent");

    public Task RecordAsync(DateOnly day, DmarcMessageResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        string domain = DmarcReportRows.Normalize(result.PolicyDomain);
        return db.WriteAsync(c => c.Execute("""
            INSERT INTO dmarc_report_rows (day, policy_domain, row_key, source_ip, header_from, envelope_from, disposition,
                dkim_aligned, spf_aligned, dkim_results, spf_domain, spf_scope, spf_result, reasons, messages)
            VALUES (@day, @d, @k, @ip, @hf, @ef, @disp, @dkim, @spf, @results, @sd, @ss, @sr, @reasons, 1)
            ON CONFLICT (day, policy_domain, row_key) DO UPDATE SET messages = messages + 1
            """, ("@day", day.DayNumber), ("@d", domain), ("@k", result.Key), ("@ip", result.SourceIp), ("@hf", result.HeaderFrom),
            ("@ef", result.EnvelopeFrom), ("@disp", DmarcRecord.Keyword(result.Disposition)), ("@dkim", result.DkimAligned ? 1 : 0),
            ("@spf", result.SpfAligned ? 1 : 0), ("@results", DmarcReportRows.DkimToJson(result.Dkim)), ("@sd", result.Spf.Domain),
            ("@ss", result.Spf.Scope), ("@sr", result.Spf.Result), ("@reasons", DmarcReportRows.ReasonsToJson(result.OverrideReasons))), cancellationToken);
    }

    public Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken) =>
        _days.UnsentDomainsAsync(day, cancellationToken);

    public Task<IReadOnlyList<DmarcResultCount>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken)
    {
        string domain = DmarcReportRows.Normalize(policyDomain);
        return db.ReadAsync(c => DmarcReportRows.Sort(c.Query("""
            SELECT source_ip, header_from, envelope_from, disposition, dkim_aligned, spf_aligned, dkim_results,
                   spf_domain, spf_scope, spf_result, messages, reasons
            FROM dmarc_report_rows WHERE day = @day AND policy_domain = @d
            """, r => new DmarcResultCount(new DmarcMessageResult(domain, r.GetString(0), r.GetString(1), r.GetString(2),
                DmarcReportRows.Disposition(r.GetString(3)), r.GetInt64(4) != 0, r.GetInt64(5) != 0, DmarcReportRows.DkimFromJson(r.GetString(6)),
                new DmarcSpfResult(r.GetString(7), r.GetString(8), r.GetString(9)), DmarcReportRows.ReasonsFromJson(r.GetString(11))), r.GetInt64(10)),
            ("@day", day.DayNumber), ("@d", domain))), cancellationToken);
    }

    public Task MarkSentAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken) =>
        _days.MarkSentAsync(DmarcReportRows.Normalize(policyDomain), day, time.GetUtcNow(), cancellationToken);

    public Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken) => _days.RemoveBeforeAsync(day, cancellationToken);
}
