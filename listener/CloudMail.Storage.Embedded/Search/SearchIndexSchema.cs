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

    /// <summary>
    /// Migration 24: the index's write settings (FTS5 configuration options, kept in <c>search_text_config</c>). A
    /// batch of 100 documents of a few kilobytes makes several megabytes of trigram entries: with FTS5's 1 MiB default
    /// <c>hashsize</c> each batch was flushed as several small segments that merging then rewrote; 16 MiB flushes a batch
    /// as one. <c>automerge</c> 8 instead of 4 merges segments eight at a time, so each entry is rewritten fewer times as
    /// the index grows; a query reads at most eight segments per level instead of four. Measured with SQLite 3.40 and
    /// 4 KB documents in batches of 100: 0.96–1.18 → 0.60–0.64 ms of CPU per document at 3,000 documents, 1.05 → 0.79 at
    /// 20,000, phrase queries as fast as before (docs/search.md).
    /// </summary>
    public const string V4 = """
        INSERT INTO search_text (search_text, rank) VALUES ('hashsize', 16777216);
        INSERT INTO search_text (search_text, rank) VALUES ('automerge', 8);
        """;

    /// <summary>
    /// Migration 25: the index keeps which documents hold a trigram, not where (FTS5 <c>detail=none</c>): a search string
    /// is found by the documents holding all its trigrams, then by <c>instr</c> on the stored text of those in the mailbox
    /// (<see cref="SqliteMessageTextIndex"/>), the same answer as the phrase query of a positional index. Positions were most
    /// of what indexing wrote: with SQLite 3.40 and 12,000 documents of 4 KB of varied words, the table (text included)
    /// 295 → 88 MB and 0.69 → 0.38 ms of CPU per document inserted (docs/search.md). The table is made anew with
    /// <see cref="V4"/>'s settings and every message indexed again; until a message is, its searches read it.
    /// </summary>
    public const string V5 = """
        DROP TABLE search_text;
        CREATE VIRTUAL TABLE search_text USING fts5 (
            subject, from_lines, to_lines, cc_lines, bcc_lines, headers, body,
            tokenize = 'trigram case_sensitive 1', detail = none
        );
        """ + V4 + V2;

    /// <summary>
    /// Migration 26: documents of reclaimed blobs wait in <c>search_forgotten</c> until their text is deleted from
    /// <c>search_text</c> in batches (<see cref="SearchIndexWriter.Forget"/>): FTS5 writes what a statement changed as a new
    /// segment at the next savepoint, so deleting documents one write item at a time made a segment per document and
    /// merging rewrote them again and again (about 3.5 ms of CPU per expunged message). A forgotten document is no longer in
    /// <c>search_docs</c>, so no search finds it meanwhile.
    /// </summary>
    public const string V6 = """
        CREATE TABLE IF NOT EXISTS search_forgotten (id INTEGER PRIMARY KEY);
        """;
}
