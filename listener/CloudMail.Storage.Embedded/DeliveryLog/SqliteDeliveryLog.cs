using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Storage.Embedded.Sqlite;

namespace CloudMail.Storage.Embedded.DeliveryLog;

/// <summary>
/// <see cref="IDeliveryLog"/> in SQLite: one row per (message id, lower-cased recipient), the last write wins; and per
/// write one <c>delivery_attempts</c> row in the same transaction, the oldest beyond
/// <see cref="DeliveryAttempt.MaxPerRecipient"/> deleted with it. Its
/// <see cref="IDeliveryLogStatistics"/> is one grouped range read of the index by time (migration 19), and so is
/// <see cref="ForgetSettledBeforeAsync"/>'s walk over the rows older than its cutoff.
/// </summary>
internal sealed class SqliteDeliveryLog(SqliteDatabase db) : IDeliveryLog, IDeliveryLogStatistics
{
    public Task<IReadOnlyList<DeliveryCount>> CountSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<DeliveryCount>>(c => [.. c.Query("""
            SELECT status, substr(recipient, instr(recipient, '@') + 1) AS domain, count(*) FROM delivery_log
            WHERE updated_at >= @since GROUP BY status, domain
            """, r => new DeliveryCount(Enum.Parse<DeliveryStatus>(r.GetString(0)), r.GetString(1), r.GetInt32(2)),
            ("@since", StoredTime.ToTicks(since)))], cancellationToken);

    public Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.MessageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Recipient);
        string recipient = MailAddresses.Normalize(record.Recipient);
        return db.WriteAsync(c =>
        {
            c.Execute("""
                INSERT INTO delivery_log (message_id, recipient, status, attempts, last_reply, updated_at)
                VALUES (@m, @r, @status, @attempts, @reply, @updated)
                ON CONFLICT (message_id, recipient) DO UPDATE SET
                    status = excluded.status, attempts = excluded.attempts,
                    last_reply = excluded.last_reply, updated_at = excluded.updated_at
                """, ("@m", record.MessageId), ("@r", recipient), ("@status", record.Status.ToString()),
                ("@attempts", record.Attempts), ("@reply", record.LastReply), ("@updated", StoredTime.ToTicks(record.UpdatedAt)));
            c.Execute("""
                INSERT OR REPLACE INTO delivery_attempts (message_id, recipient, at, status, stage, attempt, remote_host, reply, next_attempt_at)
                VALUES (@m, @r, @updated, @status, @stage, @attempts, @host, @reply, @next)
                """, ("@m", record.MessageId), ("@r", recipient), ("@updated", StoredTime.ToTicks(record.UpdatedAt)), ("@status", record.Status.ToString()),
                ("@stage", record.Stage ?? ""), ("@attempts", record.Attempts), ("@host", record.RemoteHost), ("@reply", record.LastReply),
                ("@next", record.NextAttemptAt is { } next ? StoredTime.ToTicks(next) : null));
            c.Execute("""
                DELETE FROM delivery_attempts WHERE message_id = @m AND recipient = @r AND at < (
                    SELECT MIN(at) FROM (SELECT at FROM delivery_attempts WHERE message_id = @m AND recipient = @r ORDER BY at DESC LIMIT @keep))
                """, ("@m", record.MessageId), ("@r", recipient), ("@keep", DeliveryAttempt.MaxPerRecipient));
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return db.ReadAsync<IReadOnlyList<DeliveryAttempt>>(c => [.. c.Query("""
            SELECT recipient, at, stage, status, attempt, remote_host, reply, next_attempt_at FROM delivery_attempts WHERE message_id = @m
            """, r => new DeliveryAttempt(
                messageId,
                r.GetString(0),
                StoredTime.FromTicks(r.GetInt64(1)),
                r.GetString(2),
                Enum.Parse<DeliveryStatus>(r.GetString(3)),
                r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) ? null : StoredTime.FromTicks(r.GetInt64(7))), ("@m", messageId))
            .OrderBy(a => a.Recipient, StringComparer.Ordinal).ThenBy(a => a.At)],
            cancellationToken);
    }

    /// <summary>One DELETE (a scan: the log has no index by recipient).</summary>
    public Task<int> ForgetRecipientAsync(string recipient, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recipient);
        string r = MailAddresses.Normalize(recipient);
        return db.WriteAsync(c =>
        {
            c.Execute("DELETE FROM delivery_attempts WHERE recipient = @r", ("@r", r));
            return c.Execute("DELETE FROM delivery_log WHERE recipient = @r", ("@r", r));
        }, cancellationToken);
    }

    /// <summary>Rows of the index by time read per batch of <see cref="ForgetSettledBeforeAsync"/>.</summary>
    internal const int ForgetBatchSize = 500;

    /// <summary>
    /// Walks the rows written before the cutoff in index order (time, message, recipient), <see cref="ForgetBatchSize"/>
    /// per read, and deletes each message they name whose every row is settled and older than the cutoff, re-checked in
    /// the deleting transaction (unsynced: a deletion lost to a power cut is made again by the next sweep).
    /// </summary>
    public async Task<int> ForgetSettledBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        long cutoff = StoredTime.ToTicks(before);
        (long At, string Message, string Recipient) after = (long.MinValue, "", "");
        int forgotten = 0;
        while (true)
        {
            var batch = await db.ReadAsync(c => c.Query("""
                SELECT updated_at, message_id, recipient FROM delivery_log INDEXED BY delivery_log_by_time
                WHERE updated_at < @cutoff AND (updated_at, message_id, recipient) > (@at, @m, @r)
                ORDER BY updated_at, message_id, recipient LIMIT @n
                """, r => (At: r.GetInt64(0), Message: r.GetString(1), Recipient: r.GetString(2)),
                ("@cutoff", cutoff), ("@at", after.At), ("@m", after.Message), ("@r", after.Recipient), ("@n", ForgetBatchSize)), cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0) return forgotten;
            string[] messages = [.. batch.Select(row => row.Message).Distinct(StringComparer.Ordinal)];
            forgotten += await db.WriteUnsyncedAsync(c => messages.Count(m => ForgetIfSettled(c, m, cutoff)), cancellationToken).ConfigureAwait(false);
            if (batch.Count < ForgetBatchSize) return forgotten;
            after = batch[^1];
        }
    }

    private static bool ForgetIfSettled(Microsoft.Data.Sqlite.SqliteConnection c, string messageId, long cutoff)
    {
        bool settled = c.Scalar("""
            SELECT NOT EXISTS (SELECT 1 FROM delivery_log WHERE message_id = @m AND (updated_at >= @cutoff OR status NOT IN (@delivered, @failed)))
            """, ("@m", messageId), ("@cutoff", cutoff), ("@delivered", nameof(DeliveryStatus.Delivered)), ("@failed", nameof(DeliveryStatus.Failed))) is long and not 0;
        if (!settled) return false;
        c.Execute("DELETE FROM delivery_attempts WHERE message_id = @m", ("@m", messageId));
        return c.Execute("DELETE FROM delivery_log WHERE message_id = @m", ("@m", messageId)) > 0;
    }

    public Task<IReadOnlyList<DeliveryRecord>> GetAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return db.ReadAsync<IReadOnlyList<DeliveryRecord>>(c => [.. c.Query("""
            SELECT message_id, recipient, status, attempts, last_reply, updated_at FROM delivery_log WHERE message_id = @m
            """, r => new DeliveryRecord(
                r.GetString(0),
                r.GetString(1),
                Enum.Parse<DeliveryStatus>(r.GetString(2)),
                r.GetInt32(3),
                r.IsDBNull(4) ? null : r.GetString(4),
                StoredTime.FromTicks(r.GetInt64(5))), ("@m", messageId)).OrderBy(d => d.Recipient, StringComparer.Ordinal)],
            cancellationToken);
    }
}
