using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// Reads the structures the mailbox index keeps (<see cref="IMailboxIndex.GetStructuresAsync"/>) for messages of the
/// selected mailbox, which the session's view holds without them: a read asks for the message and the ones after it in
/// sequence order, up to <see cref="BatchSize"/>, so a FETCH, SEARCH or SORT over many messages costs one index read per
/// batch, and the session holds one batch at a time instead of every structure of the mailbox. Per session; not
/// thread-safe.
/// </summary>
internal sealed class KeptStructureReader(IMailboxIndex mailboxes)
{
    /// <summary>Messages read ahead by one index read: a few hundred kilobytes of structures for ordinary mail.</summary>
    public const int BatchSize = 256;

    private readonly Dictionary<uint, KeptStructure> _kept = [];
    private readonly HashSet<uint> _asked = [];
    private SelectedMailbox? _view;

    /// <summary>
    /// The kept structure of <paramref name="record"/>, a message of <paramref name="selected"/>, or null when the index
    /// keeps none for it (or one for another message under that UID; a mailbox gone meanwhile keeps none).
    /// </summary>
    public async Task<string?> ReadAsync(string account, SelectedMailbox selected, MessageRecord record, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(_view, selected) || !_asked.Contains(record.Uid))
        {
            await ReadAheadAsync(account, selected, record.Uid, cancellationToken).ConfigureAwait(false);
        }
        return _kept.TryGetValue(record.Uid, out var kept) && string.Equals(kept.BlobId, record.Blob.Id, StringComparison.Ordinal) ? kept.Value : null;
    }

    private async Task ReadAheadAsync(string account, SelectedMailbox selected, uint uid, CancellationToken cancellationToken)
    {
        _view = null;
        _kept.Clear();
        _asked.Clear();
        var uids = new List<uint>(BatchSize) { uid };
        if (selected.SeqOf(uid) is var seq and > 0)
        {
            for (int next = seq + 1; next <= selected.Count && uids.Count < BatchSize; next++) uids.Add(selected.UidAt(next));
        }
        IReadOnlyList<KeptStructure> kept = await mailboxes.GetStructuresAsync(account, selected.Name, uids, cancellationToken).ConfigureAwait(false);
        foreach (var k in kept) _kept[k.Uid] = k;
        _asked.UnionWith(uids);
        _view = selected;
    }
}
