namespace CloudMail.Storage.Embedded.Queue;

/// <summary>
/// Tables of the queue database (its own file, so accept-path commits never wait for mailbox writes).
/// Times are Unix milliseconds.
/// </summary>
internal static class QueueSchema
{
    public const string V1 = """
        -- One row per waiting or leased job. visible_at is when the job may be leased next: its not-before
        -- time while waiting, its lease expiry while leased (an expired lease makes it visible again).
        CREATE TABLE jobs (
            queue           TEXT NOT NULL,
            job_id          TEXT NOT NULL,
            payload         TEXT NOT NULL,            -- MailJob as JSON
            visible_at      INTEGER NOT NULL,
            lease_token     TEXT,                     -- null while waiting
            delivery_count  INTEGER NOT NULL DEFAULT 0,
            enqueued_at     INTEGER NOT NULL,
            last_reason     TEXT,                     -- reason of the last retry
            PRIMARY KEY (queue, job_id)
        ) WITHOUT ROWID;
        CREATE INDEX jobs_by_visibility ON jobs(queue, visible_at);

        CREATE TABLE dead_letters (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            queue             TEXT NOT NULL,
            job_id            TEXT NOT NULL,
            payload           TEXT NOT NULL,
            reason            TEXT NOT NULL,
            delivery_count    INTEGER NOT NULL,
            enqueued_at       INTEGER NOT NULL,
            dead_lettered_at  INTEGER NOT NULL
        );
        CREATE INDEX dead_letters_by_queue ON dead_letters(queue, id);
        """;
}
