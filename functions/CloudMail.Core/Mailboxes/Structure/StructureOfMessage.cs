using CloudMail.Core.Blobs;

namespace CloudMail.Core.Mailboxes.Structure;

/// <summary>
/// Computes a message's <see cref="MessageRecord.Structure"/> when it is first stored in a mailbox (local delivery, IMAP
/// APPEND, import), so IMAP never parses it again for ENVELOPE, BODYSTRUCTURE, SORT or THREAD.
/// </summary>
public static class StructureOfMessage
{
    /// <summary>
    /// The stored structure of the message in <paramref name="stream"/>, or null when MimeKit cannot read it or the value
    /// is too large to keep (readers then parse the blob, as before). Never throws for the message's bytes.
    /// </summary>
    public static async Task<string?> ComputeAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
            stream = copy;
        }
        var structure = await MessageStructureParser.TryParseAsync(stream, cancellationToken, withCrlfSize: true).ConfigureAwait(false);
        return structure is null ? null : StoredStructure.TryWrite(structure);
    }

    /// <summary>
    /// <see cref="ComputeAsync(Stream, CancellationToken)"/> of the stored blob <paramref name="blobId"/>; null when it is
    /// gone (the append that follows reports that in its own way).
    /// </summary>
    public static async Task<string?> ComputeAsync(IMessageBlobStore blobs, string blobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        try
        {
            var stream = await blobs.OpenReadAsync(blobId, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
                return await ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }
}
