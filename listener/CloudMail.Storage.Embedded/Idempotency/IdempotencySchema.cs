namespace CloudMail.Storage.Embedded.Idempotency;

/// <summary>Table of the idempotency database (its own file, <see cref="SqliteIdempotencyStore.FileName"/>).</summary>
internal static class IdempotencySchema
{
    public const string V1 = """
        -- One row per Idempotency-Key ever used with the send API (key = the message id derived from it).
        CREATE TABLE idempotency_keys (
            key          TEXT NOT NULL PRIMARY KEY,
            fingerprint  TEXT NOT NULL,               -- SHA-256 of the first request, hex
            recorded_at  INTEGER NOT NULL             -- UTC ticks
        ) WITHOUT ROWID;
        """;

    /// <summary>Migration 2: the records by time, for forgetting the old ones (<c>CloudMail:Retention:IdempotencyKeys</c>).</summary>
    public const string V2 = """
        CREATE INDEX idempotency_keys_by_time ON idempotency_keys(recorded_at);
        """;
}
