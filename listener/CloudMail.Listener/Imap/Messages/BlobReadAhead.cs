using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// Opens the blobs of the messages a FETCH writes next, so that their reads do not each wait on their own. A blob store
/// whose reads wait on the network (Azure: a request to open each message and one to read it) gets the opens of up to
/// <see cref="Window"/> messages ahead of the one being written, overlapping those waits instead of paying them one after
/// the other: a message-list fetch of thousands of messages otherwise costs thousands of round trips in a row. A store
/// whose open is done by the time it returns (embedded: SQLite rows, local files) is asked for the next messages together
/// instead (<see cref="IMessageBlobStore.OpenManyForClient"/>: one transaction per database rather than one per message),
/// up to <see cref="Batch"/> messages and <see cref="BatchBytes"/> octets at a time. Only messages of at most
/// <see cref="MaxSize"/> octets are opened ahead, so what is held ahead stays small.
/// Opens not taken (the command failed half-way) are awaited and their streams disposed with this object. Per command.
/// </summary>
internal sealed class BlobReadAhead(IMessageBlobStore blobs, IReadOnlyList<MessageRecord> records, CancellationToken cancellationToken) : IAsyncDisposable
{
    /// <summary>Messages opened ahead of the one being written, from a store that answers across a network.</summary>
    public const int Window = 8;

    /// <summary>Most messages read together from a store whose opens are done when they return.</summary>
    public const int Batch = 32;

    /// <summary>Most octets of messages read together.</summary>
    public const long BatchBytes = 1024 * 1024;

    /// <summary>Largest message opened ahead: a non-seekable stream is copied into memory (<see cref="StoredMessage.OpenAsync"/>).</summary>
    public const long MaxSize = 256 * 1024;

    private readonly Dictionary<int, Task<Stream>> _started = [];
    private int _next;
    private bool _synchronous;

    /// <summary>
    /// The open started for <c>records[index]</c>, now the caller's to await and dispose, or null when none was (too large:
    /// the caller opens it itself); first starts the opens of the messages after it: up to <see cref="Window"/> ahead,
    /// or once an open was done by the time it returned, a batch from this one on when it has not been opened yet.
    /// </summary>
    public Task<Stream>? Take(int index)
    {
        if (_synchronous)
        {
            if (!_started.ContainsKey(index)) OpenBatch(index);
        }
        else
        {
            for (_next = Math.Max(_next, index); _next < records.Count && _next <= index + (_synchronous ? 0 : Window); _next++)
            {
                if (records[_next].Size > MaxSize) continue;
                var started = blobs.OpenReadForClientAsync(records[_next].Blob.Id, cancellationToken);
                _synchronous |= started.IsCompleted;
                _started[_next] = started.IsCompleted ? started : ReadAllAsync(started, records[_next].Size);
            }
        }
        return _started.Remove(index, out var opening) ? opening : null;
    }

    /// <summary>Reads <c>records[index]</c> and the ones after it together, up to <see cref="Batch"/> and <see cref="BatchBytes"/>; none when it is too large.</summary>
    private void OpenBatch(int index)
    {
        var ids = new List<string>();
        long bytes = 0;
        for (int i = index; i < records.Count && ids.Count < Batch && records[i].Size <= MaxSize && bytes + records[i].Size <= BatchBytes; i++)
        {
            ids.Add(records[i].Blob.Id);
            bytes += records[i].Size;
        }
        if (ids.Count == 0) return;
        var opens = blobs.OpenManyForClient(ids, cancellationToken);
        for (int k = 0; k < opens.Count; k++) _started[index + k] = opens[k];
    }

    /// <summary>
    /// The opened blob read into memory: a store's stream may fetch its content only when first read (Azure's does, with a
    /// GET of its own), and that round trip is the one worth overlapping too. A stream already in memory is returned as is.
    /// </summary>
    private async Task<Stream> ReadAllAsync(Task<Stream> opening, long size)
    {
        var stream = await opening.ConfigureAwait(false);
        if (stream is MemoryStream) return stream;
        await using (stream.ConfigureAwait(false))
        {
            var copy = new MemoryStream((int)Math.Min(size, MaxSize));
            await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
            return copy;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var opening in _started.Values) await DiscardAsync(opening).ConfigureAwait(false);
        _started.Clear();
    }

    /// <summary>Waits for an open nobody will read and disposes its stream; a failed or cancelled open is ignored.</summary>
    public static async ValueTask DiscardAsync(Task<Stream> opening)
    {
        try
        {
            await (await opening.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Deliberate: nobody will read these bytes, and a failed or cancelled open leaves nothing to dispose.
        }
    }
}
