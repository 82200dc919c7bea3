namespace CloudMail.Storage.Embedded.SenderLists;

/// <summary>The sender allow/block lists (in the main database, migration 6).</summary>
internal static class SenderListSchema
{
    public const string V1 = """
        -- One row per entry; scope '' is the server's list, else a local domain or an address (lower-cased).
        CREATE TABLE sender_lists (
            scope       TEXT    NOT NULL,
            kind        TEXT    NOT NULL,        -- SenderListKind name: Allow, Block
            pattern     TEXT    NOT NULL,        -- SenderPattern.Text
            added_at    INTEGER NOT NULL,        -- UTC ticks
            PRIMARY KEY (scope, kind, pattern)
        ) WITHOUT ROWID;
        """;
}
