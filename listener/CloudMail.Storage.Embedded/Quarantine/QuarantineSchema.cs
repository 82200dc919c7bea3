namespace CloudMail.Storage.Embedded.Quarantine;

/// <summary>The quarantine of infected messages (in the main database, migration 12).</summary>
internal static class QuarantineSchema
{
    public const string V1 = """
        -- One row per quarantined message; its bytes stay in the blob store under the job's blob id.
        CREATE TABLE quarantine (
            message_id      TEXT    NOT NULL PRIMARY KEY,
            job             TEXT    NOT NULL,        -- the inbound MailJob as JSON (MailJobJson)
            signature       TEXT    NOT NULL,        -- what the scanner found
            quarantined_at  INTEGER NOT NULL         -- UTC ticks
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Migrations 10 and 11, which change nothing: their numbers were held for work that landed later as 13 and 14, and
    /// databases created in between are at version 12 already, so the numbers stay empty for good.
    /// </summary>
    public const string Reserved = "SELECT 1;";
}
