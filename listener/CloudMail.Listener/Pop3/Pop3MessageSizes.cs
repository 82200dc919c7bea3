using System.Collections.Concurrent;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Protocols.Pop3;

namespace CloudMail.Listener.Pop3;

/// <summary>
/// The size LIST and STAT report for a message: the octets RETR sends after CRLF normalization, without
/// byte-stuffing (<see cref="Pop3MessageEncoder.ContentLength"/>). Stored messages normally use CRLF, and
/// then this equals <see cref="BlobRef.Size"/>; a blob with bare LFs (or no final line end) grows when RETR
/// normalizes it. The mailbox index keeps that size in each message's structure since it was recorded
/// (<see cref="MessageStructure.CrlfSize"/>), read for a whole maildrop at once (<see cref="PrimeAsync"/>); a message
/// kept without it is measured by streaming its blob once. Blobs are write-once, so results are cached by blob id for
/// the life of the process; the cache is bounded (cleared when full).
/// </summary>
public sealed class Pop3MessageSizes(IMessageBlobStore blobs, IMailboxIndex mailboxes)
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
        Remember(blob.Id, size);
        return size;
    }

    /// <summary>
    /// Caches the sizes the mailbox index keeps for <paramref name="messages"/> of <paramref name="account"/>'s INBOX
    /// that are not cached yet: one read of their structures instead of one read of each blob. Messages whose structure
    /// lacks the size are left to <see cref="GetAsync"/>. Throws what <see cref="IMailboxIndex.GetStructuresAsync"/> throws.
    /// </summary>
    public async Task PrimeAsync(string account, IReadOnlyList<MessageRecord> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Dictionary<uint, MessageRecord> missing = [];
        foreach (var m in messages)
            if (!_sizes.ContainsKey(m.Blob.Id)) missing[m.Uid] = m;
        if (missing.Count == 0) return;
        var kept = await mailboxes.GetStructuresAsync(account, DefaultMailboxes.Inbox, missing.Keys, cancellationToken).ConfigureAwait(false);
        foreach (var structure in kept)
        {
            if (missing.TryGetValue(structure.Uid, out var m) && m.Blob.Id == structure.BlobId
                && StoredStructure.TryReadCrlfSize(structure.Value) is { } size)
                Remember(m.Blob.Id, size);
        }
    }

    private void Remember(string blobId, long size)
    {
        if (_sizes.Count >= MaxEntries) _sizes.Clear();
        _sizes[blobId] = size;
    }

    /// <summary>Counted as the structure's size is at store time (<see cref="CrlfLength"/>, the count RETR's encoder makes).</summary>
    private async Task<long> MeasureAsync(string blobId, CancellationToken cancellationToken)
    {
        var stream = await blobs.OpenReadAsync(blobId, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
            return await CrlfLength.OfAsync(stream, cancellationToken).ConfigureAwait(false);
    }
}
