using CloudMail.Core.Blobs;

namespace CloudMail.Core.Mailboxes;

/// <summary>
/// Optional capability of a mailbox index whose backend can store small message blobs and the index rows that list them
/// in ONE durable commit (embedded: <c>mail.db</c> has its own small-blob table, so an IMAP APPEND costs one WAL fsync
/// instead of one for the blob and one for the index). IMAP APPEND uses it when the writer allows it and falls back to
/// <see cref="IBlobWriter.CommitAsync"/> followed by <see cref="IMailboxIndex.AppendAllAsync"/> otherwise. Either way a
/// completed task means blobs and rows are durable; after a crash either all of them exist or none does.
/// </summary>
public interface IJointBlobMailboxIndex : IMailboxIndex
{
    /// <summary>
    /// The claim-check and bytes <paramref name="writer"/>'s blob will have (its content complete from now on: nothing
    /// more is written), when this index can commit that blob together with index rows
    /// (<see cref="AppendAllWithBlobsAsync"/>); null when it cannot (another store's writer, or a blob too large for a
    /// row): then commit the writer on its own. The bytes stay valid until the writer is committed or disposed.
    /// </summary>
    PreparedBlob? TryPrepare(IBlobWriter writer);

    /// <summary>
    /// As <see cref="IMailboxIndex.AppendAllAsync"/>, and in the same durable commit stores the blobs of the
    /// <paramref name="prepared"/> writers (each prepared by <see cref="TryPrepare"/>, each the blob of one of the
    /// <paramref name="messages"/>; write-once as <see cref="IBlobWriter.CommitAsync"/>). The other messages' blobs must
    /// already be committed. Afterwards the prepared writers count as committed. Throws what
    /// <see cref="IMailboxIndex.AppendAllAsync"/> throws; then none of the blobs or rows was stored.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendAllWithBlobsAsync(string account, string mailbox, IReadOnlyList<MessageToAppend> messages,
        IReadOnlyList<IBlobWriter> prepared, CancellationToken cancellationToken);
}

/// <summary>A blob prepared for a joint commit: its claim-check and its complete content (see <see cref="IJointBlobMailboxIndex.TryPrepare"/>).</summary>
public sealed record PreparedBlob(BlobRef Blob, ReadOnlyMemory<byte> Content);
