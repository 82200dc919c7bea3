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
    /// Stand-ins for migrations 10 and 11, which other work assigns; whoever merges replaces them with the real ones
    /// (a database never carries a stand-in: the numbers are only used once these branches meet).
    /// </summary>
    public const string Reserved = "SELECT 1;";
}
