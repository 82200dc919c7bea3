using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes.Search;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;
using MimeKit;

namespace CloudMail.Storage.Embedded.Search;

/// <summary>
/// Fills the search index from <c>search_pending</c>: reads each pending blob, extracts its <see cref="SearchDocument"/>
/// (MimeKit: RFC 2047 headers, transfer and charset decoding) outside any transaction, then writes the batch in one write
/// item of the mail.db writer. A blob that is gone or no longer in any mailbox is dropped from the queue (without being read
/// when no message held it as the batch was taken); one that cannot
/// be read or parsed is stored as <see cref="SearchDocument.Unreadable"/> (not covered: searches read it). Every step is
/// idempotent, so a crash part way only repeats work. <see cref="Forget"/> removes a reclaimed blob's document (its text
/// in batches).
/// </summary>
internal sealed class SearchIndexWriter(SqliteDatabase db, IMessageBlobStore blobs, int maxBodyChars)
{
    /// <summary>Documents per INSERT (eight parameters each, well under SQLite's 32,766).</summary>
    private const int MaxRowsPerStatement = 500;

    /// <summary>Forgotten documents whose text is deleted together (<see cref="Forget"/>).</summary>
    public const int PurgeBatch = 100;

    /// <summary>Indexes up to <paramref name="max"/> pending blobs, newest first; returns how many were taken off the queue.</summary>
    public async Task<int> IndexPendingAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        (List<(long Seq, string BlobId, bool Live)> pending, bool forgotten) = await db.ReadAsync(c => (c.Query(
            "SELECT p.seq, p.blob_id, EXISTS (SELECT 1 FROM messages m WHERE m.blob_id = p.blob_id) FROM search_pending p ORDER BY p.seq DESC LIMIT @max",
            r => (r.GetInt64(0), r.GetString(1), r.GetInt64(2) != 0), ("@max", max)),
            c.ScalarInt64("SELECT EXISTS (SELECT 1 FROM search_forgotten)") != 0), cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            // Nothing to index: the text of documents forgotten since the last batch goes now (Forget).
            if (forgotten) await db.WriteUnsyncedAsync(c => PurgeForgotten(c), cancellationToken).ConfigureAwait(false);
            return 0;
        }
        var documents = new List<(long Seq, string BlobId, SearchDocument? Document)>(pending.Count);
        // A blob no message holds any more (expunged within the settle delay, as clients that APPEND a draft and replace it
        // do) is not read or parsed: its queue entry just leaves. Adding a message for it again queues it again.
        foreach ((long seq, string blobId, bool live) in pending)
            documents.Add((seq, blobId, live ? await ExtractAsync(blobId, cancellationToken).ConfigureAwait(false) : null));
        // Not fsynced on its own (WriteUnsyncedAsync): derived state whose queue entries leave in the same commit, so an OS
        // crash that loses the commit loses both, and the messages are indexed again.
        await db.WriteUnsyncedAsync(c =>
        {
            // First, so that a row id a forgotten document left behind is free again before a new document may take it.
            PurgeForgotten(c);
            var admitted = new List<(long Id, SearchDocument Document)>(documents.Count);
            foreach ((long seq, string blobId, SearchDocument? document) in documents)
                if (Admit(c, seq, blobId, document) is { } id) admitted.Add((id, document!));
            for (int i = 0; i < admitted.Count; i += MaxRowsPerStatement)
                InsertText(c, admitted.GetRange(i, Math.Min(MaxRowsPerStatement, admitted.Count - i)));
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return pending.Count;
    }

    /// <summary>Blobs waiting to be indexed.</summary>
    public Task<long> CountPendingAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(c => c.ScalarInt64("SELECT COUNT(*) FROM search_pending"), cancellationToken);

    /// <summary>
    /// Removes the document of <paramref name="blobId"/> (and its queue entry), inside the caller's write transaction: at once
    /// from <c>search_docs</c>, so no search finds it; its text in <c>search_text</c> goes with the next
    /// <see cref="PurgeBatch"/> forgotten documents in one statement, at the end of the reclaim pass
    /// (<see cref="PurgeForgottenAsync"/>) or at the next indexing pass, because FTS5 makes a segment of what each
    /// statement deleted.
    /// </summary>
    public static void Forget(SqliteConnection c, string blobId)
    {
        c.Execute("INSERT OR IGNORE INTO search_forgotten (id) SELECT id FROM search_docs WHERE blob_id = @b", ("@b", blobId));
        c.Execute("DELETE FROM search_docs WHERE blob_id = @b", ("@b", blobId));
        c.Execute("DELETE FROM search_pending WHERE blob_id = @b", ("@b", blobId));
        if (c.ScalarInt64("SELECT COUNT(*) FROM search_forgotten") >= PurgeBatch) PurgeForgotten(c);
    }

    /// <summary>Deletes the text of every forgotten document now (before the log of mail.db is truncated after a reclaim).</summary>
    public Task PurgeForgottenAsync(CancellationToken cancellationToken) => db.WriteUnsyncedAsync(c => PurgeForgotten(c), cancellationToken);

    /// <summary>Deletes the text of every forgotten document from <c>search_text</c> with one statement; false when there was none.</summary>
    private static bool PurgeForgotten(SqliteConnection c)
    {
        if (c.ScalarInt64("SELECT EXISTS (SELECT 1 FROM search_forgotten)") == 0) return false;
        c.Execute("DELETE FROM search_text WHERE rowid IN (SELECT id FROM search_forgotten)");
        c.Execute("DELETE FROM search_forgotten");
        return true;
    }

    /// <summary>The document of a blob; null when the blob is gone.</summary>
    private async Task<SearchDocument?> ExtractAsync(string blobId, CancellationToken cancellationToken)
    {
        try
        {
            Stream stream = await blobs.OpenReadAsync(blobId, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                // Persistent on a seekable stream (files): attachments stay on disk instead of being copied into memory.
                MimeMessage message = await MimeMessage.LoadAsync(stream, persistent: stream.CanSeek, cancellationToken).ConfigureAwait(false);
                return SearchDocument.Of(message, maxBodyChars);
            }
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Unparsable bytes or a read error: searches read this message instead of trusting the index.
            return SearchDocument.Unreadable;
        }
    }

    /// <summary>
    /// Takes <paramref name="seq"/> off the queue and, when the document is wanted (not null, not indexed yet, its blob still
    /// in a mailbox), records it in <c>search_docs</c>; returns its row id, or null.
    /// </summary>
    private static long? Admit(SqliteConnection c, long seq, string blobId, SearchDocument? document)
    {
        c.Execute("DELETE FROM search_pending WHERE seq = @s", ("@s", seq));
        if (document is null) return null;
        if (c.ScalarInt64("SELECT EXISTS (SELECT 1 FROM search_docs WHERE blob_id = @b)", ("@b", blobId)) != 0) return null;
        // Expunged (and perhaps reclaimed) since it was queued: indexing it now would leave a document nothing removes.
        if (c.ScalarInt64("SELECT EXISTS (SELECT 1 FROM messages WHERE blob_id = @b)", ("@b", blobId)) == 0) return null;
        return c.ScalarInt64("INSERT INTO search_docs (blob_id, truncated) VALUES (@b, @t) RETURNING id",
            ("@b", blobId), ("@t", document.Truncated ? 1 : 0));
    }

    /// <summary>
    /// Writes the texts of a batch into <c>search_text</c> with one statement. Inside a savepoint (every write item has
    /// one) SQLite opens a statement savepoint on the FTS5 table for each statement that writes it, and FTS5 flushes its
    /// pending terms to a new segment at every savepoint: one INSERT per document made one segment per document, which
    /// merging then rewrote again and again (three quarters of the indexing CPU in <c>perf</c>). One statement makes one
    /// segment per batch (of up to <see cref="MaxRowsPerStatement"/>).
    /// </summary>
    private static void InsertText(SqliteConnection c, List<(long Id, SearchDocument Document)> rows)
    {
        const int Columns = 8;
        var sql = new System.Text.StringBuilder("INSERT INTO search_text (rowid, subject, from_lines, to_lines, cc_lines, bcc_lines, headers, body) VALUES ");
        var args = new (string Name, object? Value)[rows.Count * Columns];
        for (int i = 0; i < rows.Count; i++)
        {
            (long id, SearchDocument d) = rows[i];
            object?[] values = [id, d.Subject, d.From, d.To, d.Cc, d.Bcc, d.Headers, d.Body];
            sql.Append(i > 0 ? ", (" : "(");
            for (int k = 0; k < Columns; k++)
            {
                string name = $"@p{i}_{k}";
                sql.Append(k > 0 ? ", " : "").Append(name);
                args[i * Columns + k] = (name, values[k]);
            }
            sql.Append(')');
        }
        c.Execute(sql.ToString(), args);
    }
}
