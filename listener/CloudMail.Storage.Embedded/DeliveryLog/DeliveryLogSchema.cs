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
}
