namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>
/// The day-keyed tables of a daily report's counts (TLS-RPT, DMARC aggregate): a counts table and a sent table, both
/// keyed by <c>(day, policy_domain, …)</c> with days as <see cref="DateOnly.DayNumber"/>. The queries both stores share.
/// </summary>
/// <param name="Counts">The table of counts (has <c>day</c> and <c>policy_domain</c> columns).</param>
/// <param name="Sent">The table of reports sent: <c>(day, policy_domain, sent_at)</c>.</param>
/// <param name="Others">Further tables keyed by day that go with the counts.</param>
internal sealed record DailyReportTables(SqliteDatabase Db, string Counts, string Sent, params string[] Others)
{
    public Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken) =>
        Db.ReadAsync<IReadOnlyList<string>>(c => c.Query($"""
            SELECT DISTINCT p.policy_domain FROM {Counts} p
            WHERE p.day = @day AND NOT EXISTS (SELECT 1 FROM {Sent} s WHERE s.day = p.day AND s.policy_domain = p.policy_domain)
            ORDER BY p.policy_domain
            """, r => r.GetString(0), ("@day", day.DayNumber)), cancellationToken);

    public Task MarkSentAsync(string domain, DateOnly day, DateTimeOffset now, CancellationToken cancellationToken) =>
        Db.WriteAsync(c => c.Execute($"""
            INSERT INTO {Sent} (day, policy_domain, sent_at) VALUES (@day, @d, @at) ON CONFLICT DO NOTHING
            """, ("@day", day.DayNumber), ("@d", domain), ("@at", StoredTime.ToTicks(now))), cancellationToken);

    public Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken) =>
        Db.WriteAsync(c => new[] { Counts, Sent }.Concat(Others).Sum(table => c.Execute($"DELETE FROM {table} WHERE day < @day", ("@day", day.DayNumber))),
            cancellationToken);
}
