using CloudMail.Core.Queue;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Queue;

/// <summary>
/// The administration side of <see cref="SqliteMailQueue"/> (<c>cloudmail queue ...</c>, which may run in another
/// process than <c>serve</c>: every change is one write transaction, so SQLite serializes it with the workers' leases).
/// A job counts as leased while its lease has not run out (<c>visible_at</c> in the future); a lease that ran out is
/// waiting, as <see cref="LeaseAsync"/> would hand it out again.
/// </summary>
internal sealed partial class SqliteMailQueue
{
    private const string JobColumns = "payload, 0, visible_at, lease_token IS NOT NULL, delivery_count, enqueued_at, last_reason, NULL";
    private const string DeadLetterColumns = "payload, 1, NULL, 0, delivery_count, enqueued_at, reason, dead_lettered_at";

    public async Task<IReadOnlyList<QueuedJob>> ListJobsAsync(string queue, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        List<AdminJobRow> rows = await db.ReadAsync(c =>
        {
            List<AdminJobRow> jobs = c.Query($"SELECT {JobColumns} FROM jobs WHERE queue = @q ORDER BY visible_at, enqueued_at LIMIT @max",
                ReadAdminRow, ("@q", queue), ("@max", max));
            jobs.AddRange(c.Query($"SELECT {DeadLetterColumns} FROM dead_letters WHERE queue = @q ORDER BY id LIMIT @max",
                ReadAdminRow, ("@q", queue), ("@max", max - jobs.Count)));
            return jobs;
        }, cancellationToken).ConfigureAwait(false);
        long now = StoredTime.ToUnixMs(time.GetUtcNow());
        return rows.ConvertAll(r => ToQueuedJob(queue, r, now));
    }

    public async Task<QueuedJob?> FindAsync(string queue, string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(jobId);
        AdminJobRow? row = await db.ReadAsync(c => FindRow(c, queue, jobId), cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToQueuedJob(queue, row, StoredTime.ToUnixMs(time.GetUtcNow()));
    }

    public Task<int> MakeWaitingDueNowAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        long now = StoredTime.ToUnixMs(time.GetUtcNow());
        return db.WriteAsync(c => c.Execute("UPDATE jobs SET visible_at = @now WHERE queue = @q AND lease_token IS NULL AND visible_at > @now",
            ("@now", now), ("@q", queue)), cancellationToken);
    }

    public Task<bool> RetryNowAsync(string queue, string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(jobId);
        long now = StoredTime.ToUnixMs(time.GetUtcNow());
        return db.WriteAsync(c =>
        {
            if (c.ScalarInt64("SELECT COUNT(*) FROM jobs WHERE queue = @q AND job_id = @id", ("@q", queue), ("@id", jobId)) > 0)
            {
                return c.Execute("UPDATE jobs SET visible_at = @now WHERE queue = @q AND job_id = @id AND (lease_token IS NULL OR visible_at <= @now)",
                    ("@now", now), ("@q", queue), ("@id", jobId)) == 1;
            }
            int moved = c.Execute("""
                INSERT INTO jobs (queue, job_id, payload, visible_at, delivery_count, enqueued_at)
                SELECT queue, job_id, payload, @now, 0, enqueued_at FROM dead_letters WHERE queue = @q AND job_id = @id ORDER BY id DESC LIMIT 1
                """, ("@now", now), ("@q", queue), ("@id", jobId));
            c.Execute("DELETE FROM dead_letters WHERE queue = @q AND job_id = @id", ("@q", queue), ("@id", jobId));
            return moved == 1;
        }, cancellationToken);
    }

    public async Task<QueuedJob?> DeleteAsync(string queue, string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(jobId);
        long now = StoredTime.ToUnixMs(time.GetUtcNow());
        AdminJobRow? removed = await db.WriteAsync(c =>
        {
            AdminJobRow? row = FindRow(c, queue, jobId);
            if (row is null || IsLeased(row, now)) return null;
            c.Execute(row.DeadLettered ? "DELETE FROM dead_letters WHERE queue = @q AND job_id = @id" : "DELETE FROM jobs WHERE queue = @q AND job_id = @id",
                ("@q", queue), ("@id", jobId));
            return row;
        }, cancellationToken).ConfigureAwait(false);
        return removed is null ? null : ToQueuedJob(queue, removed, now);
    }

    /// <summary>The waiting or leased job, else its latest dead-lettered copy.</summary>
    private static AdminJobRow? FindRow(SqliteConnection c, string queue, string jobId) =>
        c.QueryFirstOrDefault($"SELECT {JobColumns} FROM jobs WHERE queue = @q AND job_id = @id", ReadAdminRow, ("@q", queue), ("@id", jobId))
        ?? c.QueryFirstOrDefault($"SELECT {DeadLetterColumns} FROM dead_letters WHERE queue = @q AND job_id = @id ORDER BY id DESC LIMIT 1",
            ReadAdminRow, ("@q", queue), ("@id", jobId));

    private static AdminJobRow ReadAdminRow(SqliteDataReader r) => new(r.GetString(0), r.GetInt64(1) != 0,
        r.IsDBNull(2) ? null : r.GetInt64(2), r.GetInt64(3) != 0, r.GetInt32(4), r.GetInt64(5),
        r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetInt64(7));

    private static bool IsLeased(AdminJobRow row, long nowMs) => !row.DeadLettered && row.HasLease && row.VisibleAtMs > nowMs;

    private static QueuedJob ToQueuedJob(string queue, AdminJobRow row, long nowMs) => new(
        queue,
        MailJobJson.Deserialize(row.Payload),
        row.DeadLettered ? QueuedJobState.DeadLettered : IsLeased(row, nowMs) ? QueuedJobState.Leased : QueuedJobState.Waiting,
        row.DeliveryCount,
        StoredTime.FromUnixMs(row.EnqueuedAtMs),
        row.VisibleAtMs is long visible ? StoredTime.FromUnixMs(visible) : null,
        row.Reason,
        row.DeadLetteredAtMs is long dead ? StoredTime.FromUnixMs(dead) : null);
}
