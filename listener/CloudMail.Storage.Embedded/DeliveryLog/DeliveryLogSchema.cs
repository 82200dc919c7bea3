namespace CloudMail.Storage.Embedded.DeliveryLog;

/// <summary>Table of the delivery log (in the main database).</summary>
internal static class DeliveryLogSchema
{
    public const string V1 = """
        CREATE TABLE delivery_log (
            message_id  TEXT NOT NULL,
            recipient   TEXT NOT NULL,                -- lower-cased
            status      TEXT NOT NULL,                -- DeliveryStatus name
            attempts    INTEGER NOT NULL,
            last_reply  TEXT,
            updated_at  INTEGER NOT NULL,             -- UTC ticks
            PRIMARY KEY (message_id, recipient)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Migration 14: each recipient's attempt history (<see cref="Core.DeliveryLog.DeliveryAttempt"/>), the newest
    /// <see cref="Core.DeliveryLog.DeliveryAttempt.MaxPerRecipient"/> per (message, recipient). Keyed by time and result, so a
    /// replayed write replaces its own entry.
    /// </summary>
    public const string V2 = """
        CREATE TABLE delivery_attempts (
            message_id       TEXT NOT NULL,
            recipient        TEXT NOT NULL,           -- lower-cased
            at               INTEGER NOT NULL,        -- UTC ticks
            status           TEXT NOT NULL,           -- DeliveryStatus name after the attempt
            stage            TEXT NOT NULL,           -- DeliveryStages value, '' when unknown
            attempt          INTEGER NOT NULL,
            remote_host      TEXT,
            reply            TEXT,
            next_attempt_at  INTEGER,                 -- UTC ticks, deferrals only
            PRIMARY KEY (message_id, recipient, at, status)
        ) WITHOUT ROWID;
        CREATE INDEX delivery_attempts_by_recipient ON delivery_attempts(recipient);
        """;

    /// <summary>
    /// Migration 19: the delivery log by time of its last write, so that the counts since a moment
    /// (<see cref="Core.DeliveryLog.IDeliveryLogStatistics"/>: the console's dashboard) read only that period's rows.
    /// </summary>
    public const string V3 = """
        CREATE INDEX delivery_log_by_time ON delivery_log(updated_at);
        """;
}
