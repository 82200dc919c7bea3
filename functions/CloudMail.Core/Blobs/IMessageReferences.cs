namespace CloudMail.Core.Blobs;

/// <summary>
/// Which message blobs mailboxes still refer to, and which may have lost their last reference: the bookkeeping that
/// <see cref="MessageReclaimer"/> works from. A blob is shared by every local recipient's copy and by IMAP COPY, so
/// removing one message never deletes its blob directly. Instead the mailbox index records a <em>reclaim candidate</em>
/// for the blob of every message it removes (<see cref="Mailboxes.IMailboxIndex.ExpungeAsync"/>,
/// <see cref="Mailboxes.IMailboxIndex.DeleteMailboxAsync"/>, <see cref="Mailboxes.IMailboxIndex.DeleteAccountDataAsync"/>),
/// durably and no later than the removal itself (embedded: in the same transaction; Azure, which has no cross-partition
/// transactions: before it, so a crash can only leave a spare candidate, never lose one), and the reclaimer later
/// examines each candidate: still referenced somewhere, or deleted. Embedded: tables of the main SQLite database.
/// Azure: a table of candidates by due hour, and per blob the accounts it was ever appended to (see the implementation).
/// </summary>
public interface IMessageReferences
{
    /// <summary>
    /// Candidates due at or before <paramref name="now"/>, at most <paramref name="max"/> (at least 1), oldest due first
    /// (a backend bucketing by time may order within a bucket as it likes).
    /// </summary>
    Task<IReadOnlyList<ReclaimCandidate>> ListDueCandidatesAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="blobId"/> may have lost its last reference and should be examined from
    /// <paramref name="dueAt"/> on. Recording a blob again gives its candidate a new <see cref="ReclaimCandidate.Version"/>
    /// (and may replace the earlier one or sit beside it, by backend). Durable when it returns.
    /// </summary>
    Task AddCandidateAsync(string blobId, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>
    /// Removes <paramref name="candidate"/> as it was listed: only while its version is unchanged, so a candidate
    /// recorded again meanwhile (a later expunge of another copy) is never lost. No error when it is gone.
    /// </summary>
    Task RemoveCandidateAsync(ReclaimCandidate candidate, CancellationToken cancellationToken);

    /// <summary>
    /// True when a message in a mailbox of any account may refer to <paramref name="blobId"/>. Errs towards true: a
    /// backend that cannot tell (Azure: a blob with no record of the accounts it went to, from before they were kept)
    /// answers true, and one that cannot get a consistent answer throws, to be asked again later.
    /// </summary>
    Task<bool> IsReferencedAsync(string blobId, CancellationToken cancellationToken);

    /// <summary>Drops what the backend keeps about a blob that has been deleted (Azure: its account list). Idempotent.</summary>
    Task ForgetAsync(string blobId, CancellationToken cancellationToken);
}

/// <summary>A blob that may have lost its last reference, as listed.</summary>
/// <param name="BlobId">The blob (for messages accepted by the pipeline, also the message id).</param>
/// <param name="DueAt">When it became due for examination (UTC).</param>
/// <param name="Version">Opaque; changes whenever the candidate is recorded again.</param>
public sealed record ReclaimCandidate(string BlobId, DateTimeOffset DueAt, string Version);
