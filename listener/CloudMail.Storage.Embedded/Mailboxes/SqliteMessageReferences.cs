using System.Globalization;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>
/// <see cref="IMessageReferences"/> in the main database, beside the mailbox index: every account's messages are in one
/// table, so "is this blob still referenced" is one index seek (<c>messages_by_blob</c>) inside one read transaction,
/// and <see cref="SqliteMailboxIndex"/> records candidates (<see cref="Record"/>) in the very transaction that removes
/// the references. One row per blob in <c>reclaim_candidates</c>: recording a blob again replaces its row (new due
/// time, new version). <see cref="CandidatesAdded"/> fires after such a write has committed, so the embedded host can
/// reclaim at once instead of waiting for its next interval.
/// </summary>
internal sealed class SqliteMessageReferences(SqliteDatabase db) : IMessageReferences
{
    /// <summary>Raised (on the committing caller's continuation) after candidates were recorded.</summary>
    public event Action? CandidatesAdded;

    /// <summary>
    /// Records <paramref name="blobIds"/> as candidates due at <paramref name="dueAt"/>, inside the caller's write
    /// transaction.
    /// </summary>
    public static void Record(SqliteConnection c, IEnumerable<string> blobIds, DateTimeOffset dueAt)
    {
        foreach (string blobId in blobIds.Distinct(StringComparer.Ordinal))
        {
            c.Execute("""
                INSERT INTO reclaim_candidates (blob_id, due, version) VALUES (@b, @due, @v)
                ON CONFLICT (blob_id) DO UPDATE SET due = excluded.due, version = excluded.version
                """, ("@b", blobId), ("@due", StoredTime.ToTicks(dueAt)), ("@v", Random.Shared.NextInt64()));
        }
    }

    /// <summary>Tells listeners that candidates were recorded (call after the write completed).</summary>
    public void NotifyAdded() => CandidatesAdded?.Invoke();

    public Task<IReadOnlyList<ReclaimCandidate>> ListDueCandidatesAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        return db.ReadAsync<IReadOnlyList<ReclaimCandidate>>(c => c.Query(
            "SELECT blob_id, due, version FROM reclaim_candidates WHERE due <= @now ORDER BY due, blob_id LIMIT @max",
            r => new ReclaimCandidate(r.GetString(0), StoredTime.FromTicks(r.GetInt64(1)), r.GetInt64(2).ToString(CultureInfo.InvariantCulture)),
            ("@now", StoredTime.ToTicks(now)), ("@max", max)), cancellationToken);
    }

    /// <summary>Does not raise <see cref="CandidatesAdded"/>: only removals from mailboxes need a prompt pass.</summary>
    public async Task AddCandidateAsync(string blobId, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        await db.WriteAsync(c => Record(c, [blobId], dueAt), cancellationToken).ConfigureAwait(false);
    }

    public Task RemoveCandidateAsync(ReclaimCandidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        long version = long.Parse(candidate.Version, CultureInfo.InvariantCulture);
        return db.WriteAsync(c => c.Execute("DELETE FROM reclaim_candidates WHERE blob_id = @b AND version = @v",
            ("@b", candidate.BlobId), ("@v", version)), cancellationToken);
    }

    public Task<bool> IsReferencedAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        return db.ReadAsync(c => c.ScalarInt64("SELECT EXISTS (SELECT 1 FROM messages WHERE blob_id = @b)", ("@b", blobId)) != 0,
            cancellationToken);
    }

    /// <summary>
    /// References are the message rows themselves; what remains of a deleted blob is its search document
    /// (<see cref="Search.SearchIndexWriter.Forget"/>), removed here so an expunged message's text leaves mail.db too.
    /// </summary>
    public Task ForgetAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        return db.WriteAsync(c => Search.SearchIndexWriter.Forget(c, blobId), cancellationToken);
    }
}
