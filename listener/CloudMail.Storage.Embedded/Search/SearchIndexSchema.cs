namespace CloudMail.Storage.Embedded.Search;

/// <summary>The full-text search index (mail.db migration 16, see <see cref="SqliteMessageTextIndex"/>).</summary>
internal static class SearchIndexSchema
{
    public const string V1 = """
        -- One document per message blob (all copies of a message share it: COPY, MOVE and every local recipient's
        -- delivery). truncated = 1: a column was cut at its limit, or the message was unreadable; searches read it instead.
        CREATE TABLE search_docs (
            id         INTEGER PRIMARY KEY,
            blob_id    TEXT NOT NULL UNIQUE,
            truncated  INTEGER NOT NULL
        );

        -- The searchable text (CloudMail.Core.Mailboxes.Search.SearchDocument), upper-cased with .NET's invariant simple case
        -- mapping, rowid = search_docs.id. The trigram tokenizer, case-sensitive on the folded text, makes a phrase query of
        -- three or more characters an exact substring test: the same answer as SEARCH's case-insensitive "contains".
        CREATE VIRTUAL TABLE search_text USING fts5 (
            subject, from_lines, to_lines, cc_lines, bcc_lines, headers, body,
            tokenize = 'trigram case_sensitive 1'
        );

        -- Blobs of messages to index, newest (highest seq) first. Filled by the trigger below in the transaction that
        -- inserts the message row (append, copy, rename of INBOX), and here with every message already stored (backfill).
        CREATE TABLE search_pending (
            seq      INTEGER PRIMARY KEY,
            blob_id  TEXT NOT NULL UNIQUE
        );
        CREATE TRIGGER search_pending_on_insert AFTER INSERT ON messages
        WHEN NOT EXISTS (SELECT 1 FROM search_docs WHERE blob_id = NEW.blob_id)
        BEGIN
            INSERT OR IGNORE INTO search_pending (blob_id) VALUES (NEW.blob_id);
        END;
        INSERT OR IGNORE INTO search_pending (blob_id) SELECT blob_id FROM messages GROUP BY blob_id ORDER BY MIN(internal_date);
        """;

    /// <summary>
    /// Migration 22: documents written before the headers column held field names and MIME part headers
    /// (<see cref="CloudMail.Core.Mailboxes.Search.SearchDocument"/>) are rebuilt. Until a message is indexed again its
    /// searches read it, so answers stay right meanwhile.
    /// </summary>
    public const string V2 = """
        DELETE FROM search_text;
        DELETE FROM search_docs;
        INSERT OR IGNORE INTO search_pending (blob_id) SELECT blob_id FROM messages GROUP BY blob_id ORDER BY MIN(internal_date);
        """;

    /// <summary>
    /// Migration 23: header values are indexed with whitespace runs as one space (<see cref="CloudMail.Core.Mailboxes.Search.SearchableText.Collapsed"/>),
    /// so documents written before are rebuilt, as in <see cref="V2"/>.
    /// </summary>
    public const string V3 = V2;
}
