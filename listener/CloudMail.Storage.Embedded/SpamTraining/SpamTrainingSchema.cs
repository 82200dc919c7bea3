namespace CloudMail.Storage.Embedded.SpamTraining;

/// <summary>The spam training signals (in the main database, migration 17).</summary>
internal static class SpamTrainingSchema
{
    public const string V1 = """
        -- One row per message a user filed into or out of Junk over IMAP.
        CREATE TABLE spam_training (
            id              TEXT    NOT NULL PRIMARY KEY,
            account         TEXT    NOT NULL,
            kind            TEXT    NOT NULL,    -- TrainingKind name: Spam, Ham
            blob_id         TEXT    NOT NULL,
            source          TEXT    NOT NULL,
            destination     TEXT    NOT NULL,
            recorded_at     INTEGER NOT NULL,    -- UTC ticks
            state           TEXT    NOT NULL,    -- TrainingState name: Pending, Learned, Failed
            attempts        INTEGER NOT NULL,
            due_at          INTEGER NOT NULL,    -- UTC ticks of the next attempt
            last_error      TEXT
        ) WITHOUT ROWID;
        CREATE INDEX spam_training_by_account ON spam_training (account, recorded_at);
        CREATE INDEX spam_training_pending ON spam_training (due_at) WHERE state = 'Pending';
        """;
}
