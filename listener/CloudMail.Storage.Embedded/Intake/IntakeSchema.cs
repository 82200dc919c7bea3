namespace CloudMail.Storage.Embedded.Intake;

/// <summary>Table of the intake outbox database (its own file, <see cref="SqliteIntakeOutbox.FileName"/>).</summary>
internal static class IntakeSchema
{
    public const string V1 = """
        -- One row per accepted message not yet seen routed by the stuck-intake sweep.
        CREATE TABLE intake_markers (
            message_id   TEXT NOT NULL PRIMARY KEY,
            job          TEXT NOT NULL,               -- MailJob as JSON
            recorded_at  INTEGER NOT NULL,            -- UTC ticks
            requeues     INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX intake_markers_by_time ON intake_markers(recorded_at, message_id);
        """;
}
