using System.Buffers;
using System.Collections.Concurrent;
using CloudMail.Core.Blobs;
using CloudMail.Protocols.Pop3;

namespace CloudMail.Listener.Pop3;

/// <summary>
/// The size LIST and STAT report for a message: the octets RETR sends after CRLF normalization, without
/// byte-stuffing (<see cref="Pop3MessageEncoder.ContentLength"/>). Stored messages normally use CRLF, and
/// then this equals <see cref="BlobRef.Size"/>; a blob with bare LFs (or no final line end) grows when RETR
/// normalizes it, so the size is measured by streaming the blob once. Blobs are write-once, so results are
/// cached by blob id for the life of the process; the cache is bounded (cleared when full).
/// </summary>
public sealed class Pop3MessageSizes(IMessageBlobStore blobs)
{
    /// <summary>Most cached sizes (about 100 bytes each).</summary>
    public const int MaxEntries = 200_000;

    private readonly ConcurrentDictionary<string, long> _sizes = new(StringComparer.Ordinal);

    /// <summary>
    /// The normalized size of <paramref name="blob"/>. A blob already reclaimed (the message was expunged over IMAP
    /// after this maildrop was opened; the POP3 lock does not hold IMAP off) counts with its stored size, so STAT and
    /// LIST still answer and only RETR/TOP of that message fails. Throws what
    /// <see cref="IMessageBlobStore.OpenReadAsync"/> throws otherwise.
    /// </summary>
    public async ValueTask<long> GetAsync(BlobRef blob, CancellationToken cancellationToken)
    {
        if (_sizes.TryGetValue(blob.Id, out long size)) return size;
        try
        {
            size = await MeasureAsync(blob.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            return blob.Size;
        }
        if (_sizes.Count >= MaxEntries) _sizes.Clear();
        _sizes[blob.Id] = size;
        return size;
    }

    private async Task<long> MeasureAsync(string blobId, CancellationToken cancellationToken)
    {
        var stream = await blobs.OpenReadAsync(blobId, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var encoder = new Pop3MessageEncoder();
            byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    encoder.Write(buffer.AsSpan(0, read), null);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            encoder.Complete(null);
            return encoder.ContentLength;
        }
    }
}
