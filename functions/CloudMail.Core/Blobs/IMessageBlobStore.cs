namespace CloudMail.Core.Blobs;

/// <summary>
/// Write-once store of raw MIME messages. One blob per accepted message, shared by all local recipients.
/// Embedded: files with fsync + atomic rename. Azure: a Blob container.
/// </summary>
public interface IMessageBlobStore
{
    /// <summary>
    /// Starts writing blob <paramref name="blobId"/>. Nothing is visible to readers until
    /// <see cref="IBlobWriter.CommitAsync"/> returns; disposing an uncommitted writer discards the bytes.
    /// </summary>
    IBlobWriter CreateWriter(string blobId);

    /// <summary>Opens a committed blob for reading. Throws <see cref="BlobNotFoundException"/> when absent.</summary>
    Task<Stream> OpenReadAsync(string blobId, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="OpenReadAsync"/> for a mail client reading the message (IMAP FETCH, POP3 RETR/TOP): a backend may keep
    /// the bytes to serve the next reads of the same message (the embedded store keeps recently read small messages);
    /// the pipeline's own reads (filters, structure, search indexing) use <see cref="OpenReadAsync"/> and keep nothing.
    /// By default the same as <see cref="OpenReadAsync"/>.
    /// </summary>
    Task<Stream> OpenReadForClientAsync(string blobId, CancellationToken cancellationToken) => OpenReadAsync(blobId, cancellationToken);

    /// <summary>
    /// <see cref="OpenReadForClientAsync"/> for each of <paramref name="blobIds"/> (a mail client's message list): one task
    /// per id, in their order, each failing as that call would (<see cref="BlobNotFoundException"/> for a missing blob). A
    /// backend may read them together, and need not keep them for later reads: the embedded store reads its rows in one
    /// transaction per database, where a message-list FETCH would otherwise pay one per message, and keeps none. The caller
    /// awaits every task and disposes every stream. By default each is opened on its own, all started at once.
    /// </summary>
    IReadOnlyList<Task<Stream>> OpenManyForClient(IReadOnlyList<string> blobIds, CancellationToken cancellationToken) =>
        [.. blobIds.Select(id => OpenReadForClientAsync(id, cancellationToken))];

    /// <summary>True when a committed blob with this id exists.</summary>
    Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; no error when it does not exist.</summary>
    Task DeleteAsync(string blobId, CancellationToken cancellationToken);
}

/// <summary>An in-progress, not yet durable blob write.</summary>
public interface IBlobWriter : IAsyncDisposable
{
    /// <summary>Bytes accepted so far (callers enforce size limits with it while streaming).</summary>
    long BytesWritten { get; }

    /// <summary>Appends bytes. Nothing is durable until <see cref="CommitAsync"/>.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the blob durable and visible (embedded: fsync, rename, fsync of the folder) and returns its
    /// claim-check. Committing the same id twice with the same bytes is harmless; with different bytes it
    /// throws <see cref="InvalidOperationException"/> (write-once).
    /// </summary>
    Task<BlobRef> CommitAsync(CancellationToken cancellationToken);
}

/// <summary>Thrown when a blob that should exist does not.</summary>
public sealed class BlobNotFoundException(string blobId) : Exception($"Message blob '{blobId}' was not found.")
{
    public string BlobId { get; } = blobId;
}
